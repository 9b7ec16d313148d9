using Fleet.Gateway.Endpoints;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Storage;
using Fleet.ServiceDefaults;
using Npgsql;

namespace Fleet.Gateway.Background;

/// <summary>
/// Cancels the jobs of endpoints that no longer exist, so that a job that got an id still ends. A delete
/// cancels the jobs it sees, but a gateway whose catalog had not yet heard of the delete may accept one more
/// (the watch takes milliseconds, at worst its poll interval), and a delete with <c>force</c> skips rows busy
/// elsewhere. So every endpoint that leaves the catalog is swept every <see cref="s_interval"/> for
/// <see cref="s_watchFor"/>; and the whole table is checked at start and every <see cref="s_fullCheck"/>
/// (an endpoint deleted while this gateway was down).
/// </summary>
public sealed class DeletedEndpointSweeper(
    EndpointCatalog catalog, JobQueries queries, JobTransitions transitions, TimeProvider time, ILogger<DeletedEndpointSweeper> log)
    : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_watchFor = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_fullCheck = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var known = Ids();
        var deleted = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var nextFullCheck = time.GetUtcNow();
        using var timer = new PeriodicTimer(s_interval, time);
        do
        {
            try
            {
                var now = time.GetUtcNow();
                var current = Ids();
                foreach (var id in known.Except(current))
                {
                    deleted[id] = now;
                }

                known = current;
                if (now >= nextFullCheck)
                {
                    foreach (var id in (await queries.EndpointsWithLiveJobsAsync(stoppingToken)).Where(id => !current.Contains(id)))
                    {
                        deleted.TryAdd(id, now);
                    }

                    nextFullCheck = now + s_fullCheck;
                }

                foreach (var (id, since) in deleted.ToList())
                {
                    var cancelled = current.Contains(id) ? 0 : await transitions.CancelAllOfAsync(
                        id, EndpointManagement.DeletedReason(id), stoppingToken);
                    if (cancelled > 0)
                    {
                        log.LogWarning("Cancelled {Count} jobs of deleted endpoint {Endpoint}", cancelled, id);
                    }

                    if (current.Contains(id) || now - since > s_watchFor)
                    {
                        deleted.Remove(id);
                    }
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning("Sweeping the jobs of deleted endpoints failed: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private HashSet<string> Ids() => catalog.All.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
}
