using System.Runtime.InteropServices;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Outbox;
using Fleet.Gateway.Persistence;
using Fleet.Gateway.Webhooks;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// Records what workers report, a batch per transaction, as set-based updates. Each update is
/// guarded by the job's status and attempt, so a report that arrives late, twice, for an older
/// attempt, or after a cancellation changes nothing: a job keeps exactly one recorded ending.
/// </summary>
public sealed class JobEventRecorder(
    NpgsqlDataSource database,
    EndpointCatalog endpoints,
    JobCompletionNotifier notifier,
    WebhookSender webhookSender,
    IOptions<LeaseOptions> leases,
    TimeProvider time)
    : GroupCommitWriter<object, bool>
{
    // A failed attempt with attempts left goes back to its queue as the next attempt, in the same
    // statement as its outbox message, which the relay sends once its backoff has passed.
    private static readonly string s_retried = $"""
        WITH retried AS (
            UPDATE jobs SET status = '{JobStatusNames.InQueue}', attempt = jobs.attempt + 1, error = u.error,
                started_at = NULL, worker_id = NULL, device = NULL, lease_expires_at = NULL
            FROM unnest($1::uuid[], $2::int[], $3::text[], $4::int[]) AS u(id, attempt, error, delay_ms)
            WHERE jobs.id = u.id AND jobs.attempt = u.attempt AND jobs.queue IS NOT NULL
                AND jobs.status IN ('{JobStatusNames.InQueue}', '{JobStatusNames.InProgress}')
            RETURNING jobs.id, jobs.queue, jobs.attempt, u.delay_ms)
        INSERT INTO outbox_messages (id, destination, message_type, job_id, attempt, created_at, not_before)
        SELECT gen_random_uuid(), r.queue, '{RunJobs.MessageType}', r.id, r.attempt, $5::timestamptz,
            $5::timestamptz + r.delay_ms * interval '1 millisecond'
        FROM retried r
        """;

    // The latest report of the current attempt wins; a report that arrives late changes nothing.
    // A report is a sign of life: it renews the lease of a running job.
    private const string Progressed = $"""
        UPDATE jobs SET progress_message = u.message, progress_percent = u.percent, progress_at = u.at,
            lease_expires_at = CASE WHEN jobs.status = '{JobStatusNames.InProgress}' THEN now() + $6 * interval '1 second' END
        FROM unnest($1::uuid[], $2::int[], $3::text[], $4::float8[], $5::timestamptz[]) AS u(id, attempt, message, percent, at)
        WHERE jobs.id = u.id AND jobs.attempt = u.attempt AND jobs.status IN ('{JobStatusNames.InQueue}', '{JobStatusNames.InProgress}')
            AND (jobs.progress_at IS NULL OR jobs.progress_at < u.at)
        """;

    // Stored once each however often a chunk's message is delivered.
    private const string Streamed = """
        INSERT INTO job_stream_chunks (job_id, attempt, sequence, chunk, handed_out)
        SELECT u.id, u.attempt, u.sequence, u.chunk::json, false
        FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[]) AS u(id, attempt, sequence, chunk)
        ON CONFLICT DO NOTHING
        """;

    // The start takes the lease. A start of the same attempt by another worker takes it over: the
    // first worker died after reporting the start and before acknowledging the message, which
    // RabbitMQ then delivered again; the second worker now runs the attempt.
    private const string Started = $"""
        UPDATE jobs SET status = '{JobStatusNames.InProgress}', started_at = u.started_at, worker_id = u.worker_id, device = u.device,
            lease_expires_at = now() + $6 * interval '1 second'
        FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::text[], $5::text[]) AS u(id, attempt, started_at, worker_id, device)
        WHERE jobs.id = u.id AND jobs.attempt = u.attempt
            AND (jobs.status = '{JobStatusNames.InQueue}' OR (jobs.status = '{JobStatusNames.InProgress}' AND jobs.worker_id <> u.worker_id))
        """;

    // The latest heartbeat of each worker (database clock, so no worker's clock matters) ...
    private const string WorkersSeen = """
        INSERT INTO workers AS w (id, hardware, device, endpoints, capacity, running, idle_since, gpu_memory_total_mb,
            gpu_memory_free_mb, stopping, first_seen_at, last_seen_at)
        SELECT u.id, u.hardware, u.device, string_to_array(u.endpoints, ','), u.capacity, u.running,
            now() - u.idle_seconds * interval '1 second', u.gpu_total, u.gpu_free, u.stopping, now(), now()
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::float8[], $8::bigint[], $9::bigint[], $10::bool[])
            AS u(id, hardware, device, endpoints, capacity, running, idle_seconds, gpu_total, gpu_free, stopping)
        ON CONFLICT (id) DO UPDATE SET hardware = excluded.hardware, device = excluded.device, endpoints = excluded.endpoints,
            capacity = excluded.capacity, running = excluded.running, idle_since = excluded.idle_since,
            gpu_memory_total_mb = excluded.gpu_memory_total_mb, gpu_memory_free_mb = excluded.gpu_memory_free_mb,
            stopping = excluded.stopping, last_seen_at = excluded.last_seen_at
        """;

    // ... renews the leases of the attempts it runs, only where that worker holds them.
    private const string LeasesRenewed = $"""
        UPDATE jobs SET lease_expires_at = now() + $4 * interval '1 second'
        FROM unnest($1::text[], $2::uuid[], $3::int[]) AS u(worker_id, id, attempt)
        WHERE jobs.id = u.id AND jobs.attempt = u.attempt AND jobs.worker_id = u.worker_id AND jobs.status = '{JobStatusNames.InProgress}'
        """;

    // The ending and, for a job with a webhook, its delivery: one statement, so the delivery
    // exists exactly when the ending committed.
    private const string Ended = $"""
        WITH ended AS (
            UPDATE jobs SET status = u.status, output = convert_from(u.output, 'UTF8')::json, error = u.error, started_at = u.started_at,
                finished_at = u.finished_at, worker_id = u.worker_id, device = u.device, stream_chunks = u.streamed,
                lease_expires_at = NULL
            FROM unnest($1::uuid[], $2::int[], $3::text[], $4::bytea[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[], $9::text[],
                    $11::int[])
                AS u(id, attempt, status, output, error, started_at, finished_at, worker_id, device, streamed)
            WHERE jobs.id = u.id AND jobs.attempt = u.attempt AND jobs.status IN ('{JobStatusNames.InQueue}', '{JobStatusNames.InProgress}')
            RETURNING jobs.id, jobs.status, NULL::json AS output, jobs.error, jobs.attempt, jobs.created_at, jobs.started_at,
                jobs.finished_at, jobs.worker_id, jobs.device, jobs.endpoint_id, jobs.queue, jobs.routing, jobs.progress_message,
                jobs.progress_percent, jobs.webhook),
        deliveries AS (
            INSERT INTO webhook_deliveries (id, job_id, url, state, attempts, next_attempt_at, created_at, attempt_log)
            SELECT gen_random_uuid(), id, webhook, 'pending', 0, $10, $10, '[]' FROM ended WHERE webhook IS NOT NULL)
        SELECT {JobRows.Columns}, webhook IS NOT NULL FROM ended
        """;

    public Task RecordAsync(object workerEvent, CancellationToken cancellationToken) => WriteAsync(workerEvent, cancellationToken);

    protected override async Task<IReadOnlyList<bool>> WriteBatchAsync(IReadOnlyList<object> items, CancellationToken cancellationToken)
    {
        // One report per job (or worker) and batch, the latest: one UPDATE must not meet a row twice.
        var started = items.OfType<JobStarted>().GroupBy(s => s.JobId).Select(g => g.MaxBy(s => s.StartedAt)!).ToList();
        var heartbeats = items.OfType<WorkerHeartbeat>().GroupBy(h => h.WorkerId).Select(g => g.MaxBy(h => h.SentAt)!).ToList();
        var leaseSeconds = leases.Value.Seconds;
        var ended = new List<Ending>(items.Count);
        var retries = new List<(JobFailed Failure, int DelayMs)>();
        foreach (var item in items)
        {
            switch (item)
            {
                case JobSucceeded s:
                    // The output's own bytes (no UTF-16 text); the database returns none back, the notifier gets these.
                    ended.Add(new(s.JobId, s.Attempt, JobStatusNames.Completed, JsonMarshal.GetRawUtf8Value(s.Output).ToArray(), null,
                        s.StartedAt, s.FinishedAt, s.WorkerId, s.Device, s.StreamedChunks));
                    break;
                case JobFailed f when !f.Permanent && !f.TimedOut
                    && endpoints.TryGet(f.EndpointId, out var endpoint) && f.Attempt < endpoint.MaxAttempts:
                    retries.Add((f, RetryBackoff.DelayMs(f.Attempt)));
                    break;
                case JobFailed f:
                    ended.Add(new(f.JobId, f.Attempt, f.TimedOut ? JobStatusNames.TimedOut : JobStatusNames.Failed, null, f.Error, f.StartedAt, f.FinishedAt, f.WorkerId, f.Device, null));
                    break;
            }
        }

        // One round trip: all statements in one batch, which PostgreSQL runs as one implicit transaction.
        await using var batch = database.CreateBatch();
        var progress = items.OfType<JobProgressed>().GroupBy(p => p.JobId).Select(g => g.MaxBy(p => p.At)!).ToList();
        if (progress.Count > 0)
        {
            var command = new NpgsqlBatchCommand(Progressed);
            command.Parameters.Add(new() { Value = progress.Select(p => p.JobId).ToArray() });
            command.Parameters.Add(new() { Value = progress.Select(p => p.Attempt).ToArray() });
            command.Parameters.Add(new() { Value = progress.Select(p => p.Message).ToArray() });
            command.Parameters.Add(new() { Value = progress.Select(p => p.Percent).ToArray() });
            command.Parameters.Add(new() { Value = progress.Select(p => p.At.UtcDateTime).ToArray() });
            command.Parameters.Add(new() { Value = leaseSeconds });
            batch.BatchCommands.Add(command);
        }

        var chunks = items.OfType<JobStreamed>().ToList();
        if (chunks.Count > 0)
        {
            var command = new NpgsqlBatchCommand(Streamed);
            command.Parameters.Add(new() { Value = chunks.Select(c => c.JobId).ToArray() });
            command.Parameters.Add(new() { Value = chunks.Select(c => c.Attempt).ToArray() });
            command.Parameters.Add(new() { Value = chunks.Select(c => c.Sequence).ToArray() });
            command.Parameters.Add(new() { Value = chunks.Select(c => c.Chunk.GetRawText()).ToArray() });
            batch.BatchCommands.Add(command);
        }

        if (started.Count > 0)
        {
            var command = new NpgsqlBatchCommand(Started);
            command.Parameters.Add(new() { Value = started.Select(s => s.JobId).ToArray() });
            command.Parameters.Add(new() { Value = started.Select(s => s.Attempt).ToArray() });
            command.Parameters.Add(new() { Value = started.Select(s => s.StartedAt.UtcDateTime).ToArray() });
            command.Parameters.Add(new() { Value = started.Select(s => s.WorkerId).ToArray() });
            command.Parameters.Add(new() { Value = started.Select(s => s.Device).ToArray() });
            command.Parameters.Add(new() { Value = leaseSeconds });
            batch.BatchCommands.Add(command);
        }

        if (heartbeats.Count > 0)
        {
            var command = new NpgsqlBatchCommand(WorkersSeen);
            command.Parameters.Add(new() { Value = heartbeats.Select(h => h.WorkerId).ToArray() });
            command.Parameters.Add(new() { Value = heartbeats.Select(h => h.Hardware.ToString()).ToArray() });
            command.Parameters.Add(new() { Value = heartbeats.Select(h => h.Device).ToArray() });
            command.Parameters.Add(new() { Value = heartbeats.Select(h => string.Join(',', h.Endpoints)).ToArray() });
            command.Parameters.Add(new() { Value = heartbeats.Select(h => h.Capacity).ToArray() });
            command.Parameters.Add(new() { Value = heartbeats.Select(h => h.RunningJobs.Count).ToArray() });
            command.Parameters.Add(new() { Value = heartbeats.Select(h => h.IdleSeconds).ToArray() });
            command.Parameters.Add(new() { Value = heartbeats.Select(h => h.GpuMemoryTotalMb).ToArray() });
            command.Parameters.Add(new() { Value = heartbeats.Select(h => h.GpuMemoryFreeMb).ToArray() });
            command.Parameters.Add(new() { Value = heartbeats.Select(h => h.Stopping).ToArray() });
            batch.BatchCommands.Add(command);

            var held = heartbeats.SelectMany(h => h.RunningJobs.Select(job => (h.WorkerId, job))).ToList();
            if (held.Count > 0)
            {
                var renewal = new NpgsqlBatchCommand(LeasesRenewed);
                renewal.Parameters.Add(new() { Value = held.Select(h => h.WorkerId).ToArray() });
                renewal.Parameters.Add(new() { Value = held.Select(h => h.job.JobId).ToArray() });
                renewal.Parameters.Add(new() { Value = held.Select(h => h.job.Attempt).ToArray() });
                renewal.Parameters.Add(new() { Value = leaseSeconds });
                batch.BatchCommands.Add(renewal);
            }
        }

        if (ended.Count > 0)
        {
            var command = new NpgsqlBatchCommand(Ended);
            command.Parameters.Add(new() { Value = ended.Select(e => e.JobId).ToArray() });
            command.Parameters.Add(new() { Value = ended.Select(e => e.Attempt).ToArray() });
            command.Parameters.Add(new() { Value = ended.Select(e => e.Status).ToArray() });
            command.Parameters.Add(new() { Value = ended.Select(e => e.Output).ToArray() });
            command.Parameters.Add(new() { Value = ended.Select(e => e.Error).ToArray() });
            command.Parameters.Add(new() { Value = ended.Select(e => e.StartedAt.UtcDateTime).ToArray() });
            command.Parameters.Add(new() { Value = ended.Select(e => e.FinishedAt.UtcDateTime).ToArray() });
            command.Parameters.Add(new() { Value = ended.Select(e => e.WorkerId).ToArray() });
            command.Parameters.Add(new() { Value = ended.Select(e => e.Device).ToArray() });
            command.Parameters.Add(new() { Value = time.GetUtcNow().UtcDateTime });
            command.Parameters.Add(new() { Value = ended.Select(e => e.Streamed).ToArray() });
            batch.BatchCommands.Add(command);
        }

        if (retries.Count > 0)
        {
            var command = new NpgsqlBatchCommand(s_retried);
            command.Parameters.Add(new() { Value = retries.Select(r => r.Failure.JobId).ToArray() });
            command.Parameters.Add(new() { Value = retries.Select(r => r.Failure.Attempt).ToArray() });
            command.Parameters.Add(new() { Value = retries.Select(r => $"attempt {r.Failure.Attempt} failed: {r.Failure.Error}").ToArray() });
            command.Parameters.Add(new() { Value = retries.Select(r => r.DelayMs).ToArray() });
            command.Parameters.Add(new() { Value = time.GetUtcNow().UtcDateTime });
            batch.BatchCommands.Add(command);
        }

        var endedRows = new List<JobStatusRow>();
        var webhooks = false;
        if (batch.BatchCommands.Count > 0)
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            do
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    endedRows.Add(JobRows.Read(reader));
                    webhooks |= reader.GetBoolean(JobRows.Count);
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }

        if (webhooks)
        {
            webhookSender.Wake();
        }

        var now = time.GetUtcNow();
        var outputs = ended.Where(e => e.Output is not null).ToDictionary(e => e.JobId, e => e.Output);
        foreach (var row in endedRows)
        {
            row.Output = outputs.GetValueOrDefault(row.Id);
            notifier.Completed(row.Id, JobStatusMapper.ToDocument(row, now));
        }

        return new bool[items.Count];
    }

    private sealed record Ending(
        Guid JobId, int Attempt, string Status, byte[]? Output, string? Error,
        DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string WorkerId, string Device, int? Streamed);
}
