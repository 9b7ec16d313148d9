using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet redrive ENDPOINT</c>: queues dead letters again (oldest first), as /retry does for one.</summary>
public sealed class RedriveCommand : AsyncCommand<JobsCommand.Settings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobsCommand.Settings settings, CancellationToken cancellationToken)
    {
        var retried = await settings.CreateClient().Endpoint(settings.Endpoint)
            .RedriveAsync(settings.States, settings.Limit, cancellationToken);
        CliOutput.Line(new { retried });
        return 0;
    }
}
