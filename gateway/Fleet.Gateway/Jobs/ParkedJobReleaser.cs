using Fleet.Gateway.Outbox;
using Fleet.Gateway.Persistence;
using Fleet.Gateway.Workers;
using Fleet.ServiceDefaults;
using Npgsql;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// Sends jobs that wait (no queue yet) once they may go: a GPU job once a worker reports enough
/// memory, a low-priority job once its endpoint has no normal job waiting and a free worker slot.
/// Checked after each GPU heartbeat and every second. Each released job gets its queue, its
/// new routing reason and its <c>RunJob</c> outbox row in one transaction; a job that was purged
/// or cancelled meanwhile is not touched.
/// </summary>
public sealed class ParkedJobReleaser(
    NpgsqlDataSource database, EndpointCatalog endpoints, JobRouter router, OutboxRelay relay, WorkerRegistry workers,
    TimeProvider time, ILogger<ParkedJobReleaser> log) : BackgroundService
{
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

            await workers.WaitForGpuHeartbeatAsync(s_interval, stoppingToken);
        }
    }

    private async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        var waiting = new List<(Guid Id, string EndpointId, int? Memory, bool? PreferGpu, bool LowPriority)>();
        var normalQueued = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var batch = database.CreateBatch())
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "SELECT id, endpoint_id, min_gpu_memory_mb, prefer_gpu, low_priority FROM jobs " +
                "WHERE status = 'IN_QUEUE' AND queue IS NULL ORDER BY created_at LIMIT 500"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "SELECT endpoint_id, count(*) FROM jobs WHERE status = 'IN_QUEUE' AND NOT low_priority GROUP BY endpoint_id"));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                waiting.Add((reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
                    reader.IsDBNull(3) ? null : reader.GetBoolean(3), reader.GetBoolean(4)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                normalQueued[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        // Low-priority jobs go out only to an endpoint with no normal job waiting, and no more than
        // its live workers have free slots for, so a normal job that arrives next is not behind them.
        var freeSlots = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var job in waiting)
        {
            if (!endpoints.TryGet(job.EndpointId, out var endpoint)
                || router.Route(endpoint, job.PreferGpu, job.Memory) is not { Queue: { } queue } route)
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
                    var serving = workers.Live().Where(w => w.Endpoints.Contains(endpoint.Id)).ToList();
                    free = (serving.Count * endpoint.ConcurrencyPerWorker) - serving.Sum(w => w.RunningJobs.Count);
                }

                freeSlots[endpoint.Id] = free - 1;
                if (free <= 0)
                {
                    continue;
                }
            }

            var now = time.GetUtcNow();
            // The RunJob row (referring to the job) is written only if this claim took the job (not purged, not already sent).
            await using var release = database.CreateCommand($"""
                WITH claimed AS (
                    UPDATE jobs SET queue = $2, routing = $3 WHERE id = $1 AND status = 'IN_QUEUE' AND queue IS NULL RETURNING id, attempt)
                INSERT INTO outbox_messages (id, destination, message_type, job_id, attempt, created_at, not_before)
                SELECT gen_random_uuid(), $2, '{RunJobs.MessageType}', id, attempt, $4, $4 FROM claimed
                """);
            release.Parameters.Add(new() { Value = job.Id });
            release.Parameters.Add(new() { Value = queue });
            release.Parameters.Add(new() { Value = route.Reason });
            release.Parameters.Add(new() { Value = now.UtcDateTime });
            if (await release.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                log.LogInformation("Job {JobId} released to {Queue}: {Reason}", job.Id, queue, route.Reason);
                relay.Wake();
            }
        }
    }
}
