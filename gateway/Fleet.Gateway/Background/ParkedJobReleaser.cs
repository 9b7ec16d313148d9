using Fleet.Gateway.Outbox;
using Fleet.Gateway.Routing;
using Fleet.Gateway.Storage;
using Fleet.Gateway.Workers;
using Fleet.ServiceDefaults;
using Npgsql;

namespace Fleet.Gateway.Background;

/// <summary>
/// Sends jobs that wait (no queue yet) once they may go: a GPU job once a worker reports enough
/// memory, a low-priority job once its endpoint has no normal job waiting and a free worker slot.
/// Checked after each refresh of the live workers (at once after heartbeats) and every second. Each
/// released job gets its queue, its new routing reason and its <c>RunJob</c> row in one statement; a
/// job that was purged or cancelled meanwhile is not touched.
/// </summary>
public sealed class ParkedJobReleaser(
    JobQueries queries, JobStore store, EndpointCatalog endpoints, JobRouter router, OutboxRelay relay, LiveWorkers workers,
    TimeProvider time, ILogger<ParkedJobReleaser> log) : BackgroundService
{
    private const int Batch = 500;
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReleaseAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                log.LogWarning("Releasing waiting jobs failed: {Error}", e.Message);
            }

            await workers.WaitForUpdateAsync(s_interval, stoppingToken);
        }
    }

    private async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        var (parked, normalQueued) = await queries.ParkedAsync(Batch, cancellationToken);
        // Low-priority jobs go out only to an endpoint with no normal job waiting, and no more than
        // its live workers have free slots for, so a normal job that arrives next is not behind them.
        var freeSlots = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var job in parked)
        {
            if (!endpoints.TryGet(job.EndpointId, out var endpoint)
                || router.Route(endpoint, job.PreferGpu, job.MinGpuMemoryMb) is not { Queue: { } queue } route)
            {
                continue;
            }

            if (job.LowPriority)
            {
                if (normalQueued.GetValueOrDefault(endpoint.Id) > 0)
                {
                    continue;
                }

                if (!freeSlots.TryGetValue(endpoint.Id, out var free))
                {
                    var serving = workers.Current.Where(w => w.Serves(endpoint.Id)).ToList();
                    free = (serving.Count * endpoint.ConcurrencyPerWorker) - serving.Sum(w => w.Running);
                }

                freeSlots[endpoint.Id] = free - 1;
                if (free <= 0)
                {
                    continue;
                }
            }

            if (await store.ReleaseAsync(job.Id, queue, route.Reason, time.GetUtcNow(), cancellationToken))
            {
                log.LogInformation("Job {JobId} released to {Queue}: {Reason}", job.Id, queue, route.Reason);
                relay.Wake();
            }
        }
    }
}
