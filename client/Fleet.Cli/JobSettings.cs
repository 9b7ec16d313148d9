using System.ComponentModel;
using Spectre.Console.Cli;

namespace Fleet.Cli;

/// <summary>Settings of the commands about one job: its endpoint and id.</summary>
public class JobSettings : FleetSettings
{
    [CommandArgument(1, "<JOB_ID>")]
    [Description("The job's id, as run --async printed it.")]
    public string JobId { get; init; } = "";
}
