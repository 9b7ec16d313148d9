using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Worker.Sdk;

/// <summary>
/// Connects this worker's job queues once the bus runs, and on stop drains: takes no more jobs
/// (stopping a queue's receive endpoint waits for the jobs whose messages it holds), waits for the
/// detached ones too, and only then lets the bus stop (hosted services
/// stop in reverse order, and this one is registered after the bus and the heartbeats). A drained
/// worker never interrupts a job, so scale-in and deploys need no kill. The queue of an endpoint that a
/// newer version supersedes (<see cref="SupersededEndpoints"/>) is stopped at once, its running jobs left to end.
/// </summary>
public sealed class JobIntake(
    IReceiveEndpointConnector connector,
    ServedEndpoints served,
    SupersededEndpoints superseded,
    RunningJobs running,
    WorkerLifecycle lifecycle,
    ILogger<JobIntake> log) : IHostedService
{
    private readonly ConcurrentDictionary<string, HostReceiveEndpointHandle> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _stopped = new(StringComparer.Ordinal);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        superseded.Superseded += Stop;
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
            _queues[endpoint.Id] = handle;
            await handle.Ready.WaitAsync(cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        superseded.Superseded -= Stop;
        lifecycle.StopTakingWork();
        foreach (var id in _queues.Keys)
        {
            await _stopped.GetOrAdd(id, _ => _queues[id].StopAsync(cancellationToken)).WaitAsync(cancellationToken);
        }

        if (running.Count > 0)
        {
            log.LogInformation("Stopping: waiting for {Count} running jobs to end", running.Count);
        }

        await running.Drained.WaitAsync(cancellationToken);
        log.LogInformation("Drained: no job runs here");
    }

    /// <summary>
    /// Stops the endpoint's queue without waiting: called from a consumer of that queue, whose stop waits for the
    /// consumers it runs (the job it hands back, the jobs it runs).
    /// </summary>
    private void Stop(string endpointId)
    {
        if (_queues.TryGetValue(endpointId, out var handle))
        {
            _stopped.GetOrAdd(endpointId, _ => Task.Run(() => handle.StopAsync(CancellationToken.None)));
            log.LogInformation("Stopped taking jobs of endpoint {EndpointId}: a newer version of it runs elsewhere", endpointId);
        }
    }
}
