using System.Text.Json;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Messages;
using Fleet.Gateway.FrontDoor;
using Fleet.Gateway.Outbox;
using Fleet.Gateway.Persistence;
using Fleet.Gateway.Webhooks;
using Fleet.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fleet.Gateway.Jobs;

/// <summary>What the job routes do, apart from HTTP: accept, read, count and purge jobs.</summary>
public sealed class JobService(
    [FromKeyedServices(JobAcceptors.Durable)] JobAcceptor acceptor,
    [FromKeyedServices(JobAcceptors.AnsweredAfterEnding)] JobAcceptor runSyncAcceptor,
    JobRouter router,
    OutboxRelay relay,
    IDbContextFactory<FleetDbContext> contexts,
    NpgsqlDataSource database,
    WebhookSender webhookSender,
    JobCompletionNotifier notifier,
    QueueDepths depths,
    TimeProvider time)
{
    /// <summary>
    /// Persists the job and its <c>RunJob</c> message; returns once both are committed, with the
    /// job's id: <paramref name="jobId"/>, or the first job's for a repeated idempotency key. With
    /// <paramref name="answeredAfterEnding"/> (runsync) the commit does not wait for the WAL flush:
    /// the caller answers only after the job's ending commits synchronously, and that flush covers
    /// this earlier commit too, since PostgreSQL flushes the WAL in order.
    /// </summary>
    public async Task<Guid> AcceptAsync(
        Guid jobId, EndpointDefinition endpoint, JobSubmission submission, string? idempotencyKey, bool answeredAfterEnding, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var minGpuMemory = submission.Policy.MinGpuMemoryMb ?? (endpoint.MinGpuMemoryMb > 0 ? endpoint.MinGpuMemoryMb : null);
        // A low-priority job is sent only when the endpoint has no normal job waiting (ParkedJobReleaser).
        var route = submission.Policy.LowPriority ? JobRouter.LowPriority : router.Route(endpoint, submission.Policy.PreferGpu, minGpuMemory);
        var executionTimeout = submission.Policy.ExecutionTimeoutMs ?? endpoint.ExecutionTimeoutMs;
        var message = route.Queue is null
            ? null
            : OutboxEnvelope.ForRunJob(RunJobs.Build(jobId, endpoint, submission.Input.Span, 1, executionTimeout, now), route.Queue, now);
        var job = new NewJob(
            jobId, endpoint.Id, submission.Input, submission.Webhook, executionTimeout, submission.Policy.TtlMs, submission.Policy.LowPriority,
            route.Queue, route.Reason, minGpuMemory, submission.Policy.PreferGpu, idempotencyKey, now, message);
        var accepted = await (answeredAfterEnding ? runSyncAcceptor : acceptor).WriteAsync(job, cancellationToken);
        if (accepted == jobId)
        {
            depths.Accepted(endpoint.Id); // a repeated idempotency key queued nothing new
        }

        return accepted;
    }

    /// <summary>The job's status document; with <paramref name="endpointId"/>, only if it belongs to that endpoint.</summary>
    public async Task<JobStatusDocument?> FindAsync(string? endpointId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {JobRows.Columns} FROM jobs WHERE id = $1 AND ($2::text IS NULL OR endpoint_id = $2)");
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = (object?)endpointId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? JobStatusMapper.ToDocument(JobRows.Read(reader), time.GetUtcNow()) : null;
    }

    /// <summary>
    /// Makes sure a job accepted with a deferred flush is on disk before its id is handed out
    /// without its ending (a runsync whose wait expired): a synchronous no-op write of its row.
    /// </summary>
    public async Task<bool> EnsureDurableAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("UPDATE jobs SET attempt = attempt WHERE id = $1");
        command.Parameters.Add(new() { Value = jobId });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<JobCounts> CountAsync(string endpointId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT status, count(*), count(*) FILTER (WHERE attempt > 1) FROM jobs WHERE endpoint_id = $1 GROUP BY status");
        command.Parameters.Add(new() { Value = endpointId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<JobStatus, long>();
        long retried = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[JobStatusNames.Parse(reader.GetString(0))] = reader.GetInt64(1);
            retried += reader.GetInt64(2);
        }

        return new JobCounts(
            counts.GetValueOrDefault(JobStatus.Completed),
            counts.GetValueOrDefault(JobStatus.Failed) + counts.GetValueOrDefault(JobStatus.TimedOut),
            counts.GetValueOrDefault(JobStatus.InProgress),
            counts.GetValueOrDefault(JobStatus.InQueue),
            retried);
    }

    /// <summary>
    /// Cancels every queued job of the endpoint and, in the same transaction, tells the workers
    /// (through the outbox) to drop their messages. Running jobs are left alone. Rows another
    /// transaction holds (a concurrent purge, a report being recorded) are skipped, not waited
    /// for, so concurrent purges cannot deadlock (the fuzz test found that).
    /// </summary>
    public async Task<int> PurgeQueueAsync(string endpointId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var purged = await EndAndBroadcastAsync($"""
            UPDATE jobs SET status = {JobStatusNames.Cancelled}, finished_at = {now}, error = 'removed by purge-queue'
            WHERE id IN (
                SELECT id FROM jobs WHERE endpoint_id = {endpointId} AND status = {JobStatusNames.InQueue}
                FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """, now, cancellationToken);
        return purged.Count;
    }

    /// <summary>
    /// Cancels a queued or running job. A queued one never starts; a running one's handler is
    /// signalled through its cancellation token by the worker that runs it.
    /// </summary>
    public async Task<TransitionOutcome> CancelAsync(string endpointId, Guid jobId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cancelled = await EndAndBroadcastAsync($"""
            UPDATE jobs SET status = {JobStatusNames.Cancelled}, finished_at = {now}, error = 'cancelled by request'
            WHERE id = {jobId} AND endpoint_id = {endpointId} AND status IN ({JobStatusNames.InQueue}, {JobStatusNames.InProgress})
            RETURNING id AS "Value"
            """, now, cancellationToken);
        return cancelled.Count == 1 ? TransitionOutcome.Done : await WhyNotAsync(endpointId, jobId, cancellationToken);
    }

    /// <summary>Ends, as TIMED_OUT, queued jobs that waited longer than their policy's ttl.</summary>
    public async Task<int> ExpireQueuedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expired = await EndAndBroadcastAsync($"""
            UPDATE jobs SET status = {JobStatusNames.TimedOut}, finished_at = {now},
                error = 'waited in the queue longer than its ttl of ' || ttl_ms || ' ms'
            WHERE id IN (
                SELECT id FROM jobs
                WHERE status = {JobStatusNames.InQueue} AND ttl_ms IS NOT NULL AND created_at + ttl_ms * interval '1 millisecond' < {now}
                FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """, now, cancellationToken);
        return expired.Count;
    }

    /// <summary>
    /// Running jobs whose lease ran out: their worker died, hung or lost its broker for longer than
    /// a lease. Each is queued again as a new attempt (so whatever the old attempt reports later is
    /// ignored); a job that has lost <paramref name="maxLosses"/> workers already fails instead, so a
    /// job that kills its worker cannot loop forever. Lost attempts do not use up <c>maxAttempts</c>.
    /// </summary>
    public async Task<(int Requeued, int Failed)> ReapLostAsync(int maxLosses, CancellationToken cancellationToken)
    {
        // Almost every tick finds nothing: one index-only probe, not two transactions.
        await using (var probe = database.CreateCommand(
            $"SELECT EXISTS (SELECT 1 FROM jobs WHERE status = '{JobStatusNames.InProgress}' AND lease_expires_at < now())"))
        {
            if (!(bool)(await probe.ExecuteScalarAsync(cancellationToken))!)
            {
                return (0, 0);
            }
        }

        var now = time.GetUtcNow();
        var failed = await EndAndBroadcastAsync($"""
            UPDATE jobs SET status = {JobStatusNames.Failed}, finished_at = {now}, lease_expires_at = NULL, lease_losses = lease_losses + 1,
                error = 'worker ' || coalesce(worker_id, '?') || ' was lost while it ran attempt ' || attempt
                    || ', the ' || (lease_losses + 1) || 'th lost worker of this job; it is not tried again'
            WHERE id IN (
                SELECT id FROM jobs
                WHERE status = {JobStatusNames.InProgress} AND lease_expires_at < now() AND lease_losses >= {maxLosses}
                FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """, now, cancellationToken);

        // The next attempt's RunJob row refers to the job; the relay reads the input when it sends it.
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var lost = await db.Database.SqlQuery<LostAttempt>($"""
            WITH lost AS (
                UPDATE jobs SET status = {JobStatusNames.InQueue}, attempt = attempt + 1, lease_losses = lease_losses + 1,
                    error = 'attempt ' || attempt || ': worker ' || coalesce(worker_id, '?') || ' was lost (its lease ran out); queued again',
                    started_at = NULL, worker_id = NULL, device = NULL, lease_expires_at = NULL
                WHERE id IN (
                    SELECT id FROM jobs
                    WHERE status = {JobStatusNames.InProgress} AND lease_expires_at < now() AND lease_losses < {maxLosses} AND queue IS NOT NULL
                    LIMIT 1000
                    FOR UPDATE SKIP LOCKED)
                RETURNING id, queue, attempt),
            sent AS (
                INSERT INTO outbox_messages (id, destination, message_type, job_id, attempt, created_at, not_before)
                SELECT gen_random_uuid(), queue, {RunJobs.MessageType}, id, attempt, {now}, {now} FROM lost)
            SELECT id AS "Id", attempt AS "Attempt" FROM lost
            """).ToListAsync(cancellationToken);
        OutboxEnvelope? superseded = null;
        if (lost.Count > 0)
        {
            // Workers drop the old attempt if RabbitMQ still delivers it, and stop it if it runs.
            (var row, superseded) = OutboxEnvelope.Create(
                new AttemptsSuperseded([.. lost.Select(j => new SupersededAttempt(j.Id, j.Attempt))]), destination: null, now);
            db.OutboxMessages.Add(row);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (superseded is not null)
        {
            relay.Enqueue([superseded]);
            relay.Wake();
        }

        return (lost.Count, failed.Count);
    }

    /// <summary>
    /// Queues a FAILED or TIMED_OUT job again under the same id, as a new attempt with its original
    /// input; reports of its earlier attempts are ignored from then on.
    /// </summary>
    public async Task<TransitionOutcome> RetryAsync(EndpointDefinition endpoint, Guid jobId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var requeue = new NpgsqlCommand($"""
            UPDATE jobs SET status = '{JobStatusNames.InQueue}', attempt = attempt + 1, output = NULL, error = NULL,
                started_at = NULL, finished_at = NULL, worker_id = NULL, device = NULL, lease_losses = 0
            WHERE id = $1 AND endpoint_id = $2 AND status IN ('{JobStatusNames.Failed}', '{JobStatusNames.TimedOut}')
            RETURNING min_gpu_memory_mb, prefer_gpu
            """, connection, transaction);
        requeue.Parameters.Add(new() { Value = jobId });
        requeue.Parameters.Add(new() { Value = endpoint.Id });
        int? memory;
        bool? preferGpu;
        await using (var reader = await requeue.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                await reader.DisposeAsync();
                await transaction.RollbackAsync(cancellationToken);
                return await WhyNotAsync(endpoint.Id, jobId, cancellationToken);
            }

            memory = reader.IsDBNull(0) ? null : reader.GetInt32(0);
            preferGpu = reader.IsDBNull(1) ? null : reader.GetBoolean(1);
        }

        var route = router.Route(endpoint, preferGpu, memory);
        // The new attempt's RunJob row refers to the job (a parked job gets none until it is released).
        await using (var reroute = new NpgsqlCommand($"""
            WITH routed AS (UPDATE jobs SET queue = $2, routing = $3 WHERE id = $1 RETURNING id, queue, attempt)
            INSERT INTO outbox_messages (id, destination, message_type, job_id, attempt, created_at, not_before)
            SELECT gen_random_uuid(), queue, '{RunJobs.MessageType}', id, attempt, $4, $4 FROM routed WHERE queue IS NOT NULL
            """, connection, transaction))
        {
            reroute.Parameters.Add(new() { Value = jobId });
            reroute.Parameters.Add(new() { Value = (object?)route.Queue ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            reroute.Parameters.Add(new() { Value = route.Reason });
            reroute.Parameters.Add(new() { Value = now.UtcDateTime });
            await reroute.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        relay.Wake();
        return TransitionOutcome.Done;
    }

    /// <summary>
    /// An endpoint's jobs in the given states, newest first, after the job <paramref name="before"/>
    /// when paging (keyset on the time-ordered id, so pages stay stable while jobs are added).
    /// </summary>
    public async Task<IReadOnlyList<JobStatusDocument>> ListAsync(
        string endpointId, IReadOnlyList<string> statuses, Guid? before, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"SELECT {JobRows.Columns} FROM jobs WHERE endpoint_id = $1 AND status = ANY($2) AND ($3::uuid IS NULL OR id < $3) " +
            "ORDER BY id DESC LIMIT $4");
        command.Parameters.Add(new() { Value = endpointId });
        command.Parameters.Add(new() { Value = statuses.ToArray() });
        command.Parameters.Add(new() { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var now = time.GetUtcNow();
        var jobs = new List<JobStatusDocument>();
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(JobStatusMapper.ToDocument(JobRows.Read(reader), now));
        }

        return jobs;
    }

    /// <summary>A job's webhook deliveries, oldest first, with every attempt; null for an unknown job.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryDocument>?> ListDeliveriesAsync(string endpointId, Guid jobId, CancellationToken cancellationToken)
    {
        if (await WhyNotAsync(endpointId, jobId, cancellationToken) == TransitionOutcome.NotFound)
        {
            return null;
        }

        await using var command = database.CreateCommand(
            "SELECT id, url, state, attempts, created_at, delivered_at, attempt_log::text FROM webhook_deliveries WHERE job_id = $1 ORDER BY created_at");
        command.Parameters.Add(new() { Value = jobId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var deliveries = new List<WebhookDeliveryDocument>();
        while (await reader.ReadAsync(cancellationToken))
        {
            deliveries.Add(new WebhookDeliveryDocument(
                reader.GetGuid(0).ToString(), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                JsonDocument.Parse(reader.GetString(6)).RootElement.Clone()));
        }

        return deliveries;
    }

    /// <summary>Sends an ended job's status document to its webhook once more, as a new delivery.</summary>
    public async Task<TransitionOutcome> ResendWebhookAsync(string endpointId, Guid jobId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var command = database.CreateCommand($"""
            INSERT INTO webhook_deliveries (id, job_id, url, state, attempts, next_attempt_at, created_at, attempt_log)
            SELECT gen_random_uuid(), id, webhook, 'pending', 0, $3, $3, '[]' FROM jobs
            WHERE id = $1 AND endpoint_id = $2 AND webhook IS NOT NULL
                AND status IN ('{JobStatusNames.Completed}', '{JobStatusNames.Failed}', '{JobStatusNames.Cancelled}', '{JobStatusNames.TimedOut}')
            """);
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = endpointId });
        command.Parameters.Add(new() { Value = now.UtcDateTime });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            webhookSender.Wake();
            return TransitionOutcome.Done;
        }

        return await WhyNotAsync(endpointId, jobId, cancellationToken);
    }

    /// <summary>
    /// Hands out the chunks the job's current attempt streamed since the last call, in order and
    /// each once (the job row is locked meanwhile, so two readers cannot both take a chunk). Only
    /// the unbroken run from the next sequence number goes out, and a job that has ended reports
    /// its final status only once its last chunk has: a client that stops at the final status
    /// has every chunk. Null for an unknown job.
    /// </summary>
    public async Task<StreamPage?> TakeStreamAsync(string endpointId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string status;
        int attempt, handedOut;
        int? total;
        await using (var job = new NpgsqlCommand(
            "SELECT j.status, j.attempt, j.stream_chunks, " +
            "(SELECT count(*)::int FROM job_stream_chunks c WHERE c.job_id = j.id AND c.attempt = j.attempt AND c.handed_out) " +
            "FROM jobs j WHERE j.id = $1 AND j.endpoint_id = $2 FOR UPDATE", connection, transaction))
        {
            job.Parameters.Add(new() { Value = jobId });
            job.Parameters.Add(new() { Value = endpointId });
            await using var reader = await job.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (status, attempt, total, handedOut) = (reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetInt32(3));
        }

        var chunks = new List<JsonElement>();
        var sequences = new List<int>();
        await using (var pending = new NpgsqlCommand(
            "SELECT sequence, chunk::text FROM job_stream_chunks WHERE job_id = $1 AND attempt = $2 AND NOT handed_out ORDER BY sequence",
            connection, transaction))
        {
            pending.Parameters.Add(new() { Value = jobId });
            pending.Parameters.Add(new() { Value = attempt });
            await using var reader = await pending.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken) && reader.GetInt32(0) == handedOut + sequences.Count)
            {
                sequences.Add(reader.GetInt32(0));
                chunks.Add(JsonDocument.Parse(reader.GetString(1)).RootElement.Clone());
            }
        }

        if (sequences.Count > 0)
        {
            await using var take = new NpgsqlCommand(
                "UPDATE job_stream_chunks SET handed_out = true WHERE job_id = $1 AND attempt = $2 AND sequence = ANY($3)", connection, transaction);
            take.Parameters.Add(new() { Value = jobId });
            take.Parameters.Add(new() { Value = attempt });
            take.Parameters.Add(new() { Value = sequences.ToArray() });
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        var allOut = total is null || handedOut + sequences.Count >= total;
        var final = JobStatusNames.IsFinal(JobStatusNames.Parse(status));
        return new StreamPage(final && !allOut ? JobStatusNames.InProgress : status, chunks);
    }

    /// <summary>Why a transition matched no job: there is none, or it is in the wrong state.</summary>
    private async Task<TransitionOutcome> WhyNotAsync(string endpointId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT 1 FROM jobs WHERE id = $1 AND endpoint_id = $2");
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = endpointId });
        return await command.ExecuteScalarAsync(cancellationToken) is null ? TransitionOutcome.NotFound : TransitionOutcome.NotAllowed;
    }

    /// <summary>
    /// Runs an <c>UPDATE … RETURNING id</c> that ends jobs and, in the same transaction, writes the
    /// <c>JobsCancelled</c> broadcast that stops or drops them on the workers.
    /// </summary>
    private async Task<List<Guid>> EndAndBroadcastAsync(FormattableString update, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ended = await db.Database.SqlQuery<Guid>(update).ToListAsync(cancellationToken);
        if (ended.Count == 0)
        {
            return ended;
        }

        var (row, envelope) = OutboxEnvelope.Create(new JobsCancelled(ended), destination: null, now);
        db.OutboxMessages.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        var webhooks = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO webhook_deliveries (id, job_id, url, state, attempts, next_attempt_at, created_at, attempt_log)
            SELECT gen_random_uuid(), id, webhook, 'pending', 0, {now}, {now}, '[]' FROM jobs WHERE id = ANY({ended.ToArray()}) AND webhook IS NOT NULL
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        relay.Enqueue([envelope]);
        if (webhooks > 0)
        {
            webhookSender.Wake();
        }

        // A runsync waiting on one of these jobs answers now, with its final status.
        foreach (var id in ended.Where(notifier.IsWatched))
        {
            if (await FindAsync(null, id, cancellationToken) is { } document)
            {
                notifier.Completed(id, document);
            }
        }

        return ended;
    }

    private sealed record LostAttempt(Guid Id, int Attempt);
}
