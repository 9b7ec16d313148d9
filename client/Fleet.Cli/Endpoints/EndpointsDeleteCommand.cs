using System.ComponentModel;
using Spectre.Console.Cli;

namespace Fleet.Cli.Endpoints;

/// <summary><c>fleet endpoints delete NAME [--force]</c>: deletes it; with --force even with jobs, which are cancelled.</summary>
public sealed class EndpointsDeleteCommand : AsyncCommand<EndpointsDeleteCommand.Settings>
{
    public sealed class Settings : NamedEndpointSettings
    {
        [CommandOption("--force")]
        [Description("Delete even while it has queued or running jobs: they are cancelled (their webhooks fire).")]
        public bool Force { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var cancelled = await settings.CreateManagement().DeleteEndpointAsync(settings.Name, settings.Force, cancellationToken);
        Console.Out.WriteLine($"{settings.Name}: deleted" + (cancelled > 0 ? $", {cancelled} jobs cancelled" : ""));
        return 0;
    }
}
