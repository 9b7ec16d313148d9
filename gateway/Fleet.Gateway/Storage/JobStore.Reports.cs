using Fleet.Contracts;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Jobs;
using Npgsql;

namespace Fleet.Gateway.Storage;

/// <summary>The statements of workers' reports, run by the report recorder in one batch (one round trip).</summary>
public sealed partial class JobStore
{
    /// <summary>The statuses of a job not ended yet, as SQL.</summary>
    internal const string Live = $"'{JobStatusNames.InQueue}', '{JobStatusNames.InProgress}'";

    // The latest report of the current attempt wins; a report that arrives late changes nothing.
    // A report is a sign of life: it renews the lease of a running job.
    private const string ProgressedText = $"""
        UPDATE jobs SET progress_message = u.message, progress_percent = u.percent, progress_at = u.at,
            lease_expires_at = CASE WHEN jobs.status = '{JobStatusNames.InProgress}' THEN now() + $6 * interval '1 second' END
        FROM unnest($1::uuid[], $2::int[], $3::text[], $4::float8[], $5::timestamptz[]) AS u(id, attempt, message, percent, at)
        WHERE jobs.id = u.id AND jobs.attempt = u.attempt AND jobs.status IN ({Live})
            AND (jobs.progress_at IS NULL OR jobs.progress_at < u.at)
        """;

    // The start takes the lease. A start of the same attempt by another worker takes it over: the
    // first worker died after reporting the start and before acknowledging the message, which
    // RabbitMQ then delivered again; the second worker now runs the attempt.
    private const string StartedText = $"""
        UPDATE jobs SET status = '{JobStatusNames.InProgress}', started_at = u.started_at, worker_id = u.worker_id, device = u.device,
            lease_expires_at = now() + $6 * interval '1 second', ran_version = nullif(u.version, 0)
        FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $7::int[])
            AS u(id, attempt, started_at, worker_id, device, version)
        WHERE jobs.id = u.id AND jobs.attempt = u.attempt
            AND (jobs.status = '{JobStatusNames.InQueue}'
                OR (jobs.status = '{JobStatusNames.InProgress}' AND jobs.worker_id <> u.worker_id))
        """;

    // A heartbeat renews the leases of the attempts it runs, only where that worker holds them.
    private const string LeasesRenewedText = $"""
        UPDATE jobs SET lease_expires_at = now() + $4 * interval '1 second'
        FROM unnest($1::text[], $2::uuid[], $3::int[]) AS u(worker_id, id, attempt)
        WHERE jobs.id = u.id AND jobs.attempt = u.attempt AND jobs.worker_id = u.worker_id AND jobs.status = '{JobStatusNames.InProgress}'
        """;

    // The ending and, for a job with a webhook, its delivery: one statement, so the delivery exists
    // exactly when the ending committed. The output is not returned: the recorder has it already.
    private static readonly string s_ended = $"""
        WITH ended AS (
            UPDATE jobs SET status = u.status, output = convert_from(u.output, 'UTF8')::json, error = u.error, started_at = u.started_at,
                finished_at = u.finished_at, worker_id = u.worker_id, device = u.device, stream_chunks = u.streamed,
                lease_expires_at = NULL, ran_version = nullif(u.version, 0)
            FROM unnest($1::uuid[], $2::int[], $3::text[], $4::bytea[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[],
                    $9::text[], $10::int[], $12::int[])
                AS u(id, attempt, status, output, error, started_at, finished_at, worker_id, device, streamed, version)
            WHERE jobs.id = u.id AND jobs.attempt = u.attempt AND jobs.status IN ({Live})
            RETURNING jobs.id, jobs.status, NULL::json AS output, jobs.error, jobs.attempt, jobs.created_at, jobs.started_at,
                jobs.finished_at, jobs.worker_id, jobs.device, jobs.endpoint_id, jobs.queue, jobs.routing, jobs.progress_message,
                jobs.progress_percent, jobs.ran_version, jobs.webhook),
        deliveries AS ({WebhookDeliveryStore.InsertForEndedFrom("ended", "$11")})
        SELECT {JobRows.Columns}, webhook IS NOT NULL FROM ended
        """;

    // A failed attempt with attempts left goes back to its queue as the next attempt, in the same
    // statement as its RunJob row, which the relay sends once the backoff has passed.
    private static readonly string s_retried = $"""
        WITH retried AS (
            UPDATE jobs SET status = '{JobStatusNames.InQueue}', attempt = jobs.attempt + 1, error = u.error,
                started_at = NULL, worker_id = NULL, device = NULL, lease_expires_at = NULL
            FROM unnest($1::uuid[], $2::int[], $3::text[], $4::int[]) AS u(id, attempt, error, delay_ms)
            WHERE jobs.id = u.id AND jobs.attempt = u.attempt AND jobs.queue IS NOT NULL AND jobs.status IN ({Live})
            RETURNING jobs.id, jobs.queue, jobs.attempt, u.delay_ms)
        {OutboxStore.InsertRunJobsFrom("retried", "$5", "$5 + s.delay_ms * interval '1 millisecond'")}
        """;

    public static NpgsqlBatchCommand Progressed(IReadOnlyList<JobProgressed> reports, double leaseSeconds) => new NpgsqlBatchCommand(
        ProgressedText)
        .Column(reports, p => p.JobId)
        .Column(reports, p => p.Attempt)
        .Column(reports, p => p.Message)
        .Column(reports, p => p.Percent)
        .Column(reports, p => p.At.ToUniversalTime())
        .Value(leaseSeconds);

    public static NpgsqlBatchCommand Started(IReadOnlyList<JobStarted> reports, double leaseSeconds) => new NpgsqlBatchCommand(StartedText)
        .Column(reports, s => s.JobId)
        .Column(reports, s => s.Attempt)
        .Column(reports, s => s.StartedAt.ToUniversalTime())
        .Column(reports, s => s.WorkerId)
        .Column(reports, s => s.Device)
        .Value(leaseSeconds)
        .Column(reports, s => s.EndpointVersion);

    public static NpgsqlBatchCommand LeasesRenewed(IReadOnlyList<(string WorkerId, RunningAttempt Job)> held, double leaseSeconds) =>
        new NpgsqlBatchCommand(LeasesRenewedText)
            .Column(held, h => h.WorkerId)
            .Column(held, h => h.Job.JobId)
            .Column(held, h => h.Job.Attempt)
            .Value(leaseSeconds);

    /// <summary>Ends attempts; returns the ended jobs' status columns (output null) and whether each has a webhook.</summary>
    public static NpgsqlBatchCommand Ended(IReadOnlyList<JobEnding> endings, DateTimeOffset now) => new NpgsqlBatchCommand(s_ended)
        .Column(endings, e => e.JobId)
        .Column(endings, e => e.Attempt)
        .Column(endings, e => e.Status)
        .Column(endings, e => e.Output)
        .Column(endings, e => e.Error)
        .Column(endings, e => e.StartedAt)
        .Column(endings, e => e.FinishedAt)
        .Column(endings, e => e.WorkerId)
        .Column(endings, e => e.Device)
        .Column(endings, e => e.StreamedChunks)
        .Value(now)
        .Column(endings, e => e.EndpointVersion);

    public static NpgsqlBatchCommand Retried(IReadOnlyList<JobRetry> retries, DateTimeOffset now) => new NpgsqlBatchCommand(s_retried)
        .Column(retries, r => r.JobId)
        .Column(retries, r => r.Attempt)
        .Column(retries, r => r.Error)
        .Column(retries, r => r.DelayMs)
        .Value(now);
}
