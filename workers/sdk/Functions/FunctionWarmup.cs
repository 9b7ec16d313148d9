using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Worker.Sdk;

/// <summary>
/// Builds and initializes the handlers of the endpoints this worker serves when the host starts,
/// before the heartbeats and the job queues (hosted services start in order): a worker reports
/// ready with its models loaded, and one whose initialization fails never takes a job.
/// </summary>
internal sealed class FunctionWarmup(
    IServiceProvider services,
    ServedEndpoints served,
    JobHandlerRegistry handlers,
    ILogger<FunctionWarmup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var name in served.Entries.Select(e => e.Endpoint.Handler).Distinct(StringComparer.Ordinal))
        {
            var clock = Stopwatch.StartNew();
            handlers.TryGet(name, out var invoker);
            await invoker.InitializeAsync(services, cancellationToken);
            log.LogInformation("Function {Function} ready in {Milliseconds} ms", name, clock.ElapsedMilliseconds);
        }

        var unserved = handlers.Handlers.Except(served.Entries.Select(e => e.Endpoint.Handler), StringComparer.Ordinal).Order().ToList();
        if (unserved.Count > 0)
        {
            log.LogInformation(
                "Not served by this worker (Worker:Endpoints, Worker:Hardware or no endpoint): {Functions}", string.Join(", ", unserved));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
