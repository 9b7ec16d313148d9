using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet stream ENDPOINT ID</c>: prints the job's streamed chunks, one JSON line each, until it ends.</summary>
public sealed class StreamCommand : AsyncCommand<JobSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobSettings settings, CancellationToken cancellationToken)
    {
        var job = settings.CreateClient().Endpoint(settings.Endpoint).Job(settings.JobId);
        await foreach (var chunk in job.StreamAsync(cancellationToken))
        {
            CliOutput.Line(chunk);
        }

        return 0;
    }
}
