using System.Text.Json;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Outbox;
using Fleet.Gateway.Persistence;
using Fleet.Gateway.Workers;
using Fleet.ServiceDefaults;
using Npgsql;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// Sends jobs that wait for a suitable worker (no queue yet) once the router finds one for them:
/// checked after each GPU heartbeat and every few seconds. Each released job gets its queue, its
/// new routing reason and its <c>RunJob</c> outbox row in one transaction; a job that was purged
/// or cancelled meanwhile is not touched.
/// </summary>
public sealed class ParkedJobReleaser(
    NpgsqlDataSource database, EndpointCatalog endpoints, JobRouter router, OutboxRelay relay, WorkerRegistry workers,
    TimeProvider time, ILogger<ParkedJobReleaser> log) : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(5);

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
        var waiting = new List<(Guid Id, string EndpointId, string Input, int Timeout, int? Memory, bool? PreferGpu)>();
        await using (var command = database.CreateCommand(
            "SELECT id, endpoint_id, input, execution_timeout_ms, min_gpu_memory_mb, prefer_gpu FROM jobs " +
            "WHERE status = 'IN_QUEUE' AND queue IS NULL ORDER BY created_at LIMIT 500"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                waiting.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetBoolean(5)));
            }
        }

        foreach (var job in waiting)
        {
            if (!endpoints.TryGet(job.EndpointId, out var endpoint)
                || router.Route(endpoint, job.PreferGpu, job.Memory) is not { Queue: { } queue } route)
            {
                continue;
            }

            var now = time.GetUtcNow();
            using var input = JsonDocument.Parse(job.Input);
            var (row, envelope) = OutboxEnvelope.Create(
                new RunJob(job.Id, endpoint.Id, endpoint.Handler, input.RootElement.Clone(), 1, job.Timeout, now), queue, now);
            // The message is written only if this claim took the job (not purged, not already sent).
            await using var release = database.CreateCommand("""
                WITH claimed AS (
                    UPDATE jobs SET queue = $2, routing = $3 WHERE id = $1 AND status = 'IN_QUEUE' AND queue IS NULL RETURNING id)
                INSERT INTO outbox_messages (id, destination, message_type, body, created_at)
                SELECT $4, $2, $5, $6::json, $7 FROM claimed
                """);
            release.Parameters.Add(new() { Value = job.Id });
            release.Parameters.Add(new() { Value = queue });
            release.Parameters.Add(new() { Value = route.Reason });
            release.Parameters.Add(new() { Value = row.Id });
            release.Parameters.Add(new() { Value = row.MessageType });
            release.Parameters.Add(new() { Value = row.Body });
            release.Parameters.Add(new() { Value = now.UtcDateTime });
            if (await release.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                log.LogInformation("Job {JobId} released to {Queue}: {Reason}", job.Id, queue, route.Reason);
                relay.Enqueue([envelope]);
            }
        }
    }
}
