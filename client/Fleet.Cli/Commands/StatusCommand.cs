using System.ComponentModel;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet status ENDPOINT ID [--wait S]</c>: prints the job's status document.</summary>
public sealed class StatusCommand : AsyncCommand<StatusCommand.Settings>
{
    public sealed class Settings : JobSettings
    {
        [CommandOption("-w|--wait <SECONDS>")]
        [Description("Wait up to this long (at most 60 s) for the job to end before answering (a Fleet long poll).")]
        public double? Wait { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var job = settings.CreateClient().Endpoint(settings.Endpoint).Job(settings.JobId);
        CliOutput.Document(await job.GetStatusAsync(settings.Wait is { } s ? TimeSpan.FromSeconds(s) : null, cancellationToken));
        return 0;
    }
}
