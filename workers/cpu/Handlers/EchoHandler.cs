using Fleet.Contracts.Jobs.Echo;
using Fleet.Worker.Sdk;

namespace Fleet.Worker.Cpu.Handlers;

/// <summary>The diagnostic handler of API.md: echoes, sleeps, fails or streams on request.</summary>
public sealed class EchoHandler : IJobHandler<EchoInput, EchoOutput>
{
    public async Task<EchoOutput> HandleAsync(EchoInput input, JobContext context, CancellationToken cancellationToken)
    {
        if (input.SleepSeconds is > 0 and var seconds)
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
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
