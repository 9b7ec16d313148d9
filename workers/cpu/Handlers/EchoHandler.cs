using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Jobs.Echo;
using Fleet.Worker.Sdk;

namespace Fleet.Worker.Cpu.Handlers;

/// <summary>The diagnostic handler of API.md: echoes, sleeps, fails or streams on request.</summary>
[FleetFunction("echo", WorkersMin = 1, WorkersMax = 1, IdleTimeoutSeconds = 5, ScalerType = ScalerType.QueueDelay, ScalerValue = 4,
    ExecutionTimeoutMs = 600_000, MaxAttempts = 1, ConcurrencyPerWorker = 64)]
public sealed class EchoHandler : IJobHandler<EchoInput, EchoOutput>
{
    public async Task<EchoOutput> HandleAsync(EchoInput input, JobContext context, CancellationToken cancellationToken)
    {
        if (input.SleepSeconds is > 0 and var seconds)
        {
            var sleep = TimeSpan.FromSeconds(seconds);
            var every = input.ProgressEverySeconds is { } e ? TimeSpan.FromSeconds(e) : sleep;
            for (var slept = TimeSpan.Zero; slept < sleep; slept += every)
            {
                var step = every < sleep - slept ? every : sleep - slept;
                await Task.Delay(step, input.IgnoreCancel ? CancellationToken.None : cancellationToken);
                if (input.ProgressEverySeconds is not null)
                {
                    var done = Math.Min(100, 100 * (slept + step) / sleep);
                    await context.ReportProgressAsync($"slept {(slept + step).TotalSeconds:0.##} of {seconds} s", done, cancellationToken);
                }
            }
        }

        if (input.Fail is { } message)
        {
            throw new EchoFailureException(message);
        }

        foreach (var chunk in input.Stream ?? [])
        {
            await context.StreamAsync(chunk, cancellationToken);
        }

        return new EchoOutput(input.Echo, input.Stream);
    }
}
