using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet cancel ENDPOINT ID</c>: cancels a queued or running job; exit code 1 if it had ended.</summary>
public sealed class CancelCommand : AsyncCommand<JobSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobSettings settings, CancellationToken cancellationToken)
    {
        var job = settings.CreateClient().Endpoint(settings.Endpoint).Job(settings.JobId);
        if (await job.CancelAsync(cancellationToken))
        {
            CliOutput.Line(new { id = job.Id, status = "CANCELLED" });
            return 0;
        }

        CliOutput.Messages.WriteLine($"Job {job.Id} has ended already; nothing to cancel.");
        return 1;
    }
}
