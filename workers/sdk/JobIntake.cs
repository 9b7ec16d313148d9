using Fleet.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Worker.Sdk;

/// <summary>
/// Connects this worker's job queues once the bus runs, and on stop drains: takes no more jobs
/// (stopping a queue's receive endpoint waits for the jobs whose messages it holds), waits for the
/// detached ones too, and only then lets the bus stop (hosted services
/// stop in reverse order, and this one is registered after the bus and the heartbeats). A drained
/// worker never interrupts a job, so scale-in and deploys need no kill. The receive endpoint
/// watchdog, which restarts a queue's endpoint that lost its consumer, is stopped first, so no
/// queue starts again behind the drain.
/// </summary>
public sealed class JobIntake(
    IReceiveEndpointConnector connector,
    ServedEndpoints served,
    RunningJobs running,
    WorkerLifecycle lifecycle,
    ReceiveEndpointWatchdog watchdog,
    ILogger<JobIntake> log) : IHostedService
{
    private readonly List<HostReceiveEndpointHandle> _queues = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (endpoint, queue) in served.Entries)
        {
            var handle = connector.ConnectReceiveEndpoint(queue, (context, e) =>
            {
                // RunJob is sent to this queue by address; no exchange per message type.
                e.ConfigureConsumeTopology = false;
                // A job's message is held while it runs (up to DetachAfter): the broker sends no
                // more than the worker runs.
                e.PrefetchCount = endpoint.ConcurrencyPerWorker;
                e.ConcurrentMessageLimit = endpoint.ConcurrencyPerWorker;
                e.ConfigureConsumer<RunJobConsumer>(context);
            });
            _queues.Add(handle);
            await handle.Ready.WaitAsync(cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lifecycle.StopTakingWork();
        await watchdog.StopAsync(cancellationToken);
        foreach (var queue in _queues)
        {
            await queue.StopAsync(cancellationToken);
        }

        if (running.Count > 0)
        {
            log.LogInformation("Stopping: waiting for {Count} running jobs to end", running.Count);
        }

        await running.Drained.WaitAsync(cancellationToken);
        log.LogInformation("Drained: no job runs here");
    }
}
