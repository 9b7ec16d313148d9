using Fleet.Contracts;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Outbox;
using Fleet.Gateway.Routing;
using Npgsql;

namespace Fleet.Gateway.Storage;

/// <summary>Transitions made on request (cancel, purge, retry) and by the background services (ttl, leases, release).</summary>
public sealed partial class JobStore
{
    /// <summary>Cancels a queued or running job of the endpoint.</summary>
    public Task<EndedJobs> CancelAsync(string endpointId, Guid jobId, DateTimeOffset now, CancellationToken cancellationToken) =>
        EndAsync($"""
        UPDATE jobs SET status = '{JobStatusNames.Cancelled}', finished_at = $1, error = 'cancelled by request'
        WHERE id = $2 AND endpoint_id = $3 AND status IN ({Live})
        RETURNING id, webhook
        """, c => c.Value(now).Value(jobId).Value(endpointId), now, cancellationToken);

    /// <summary>
    /// Cancels every queued job of the endpoint (running ones are left alone). Rows another transaction
    /// holds (a concurrent purge, a report being recorded) are skipped, not waited for, so concurrent
    /// purges cannot deadlock (the fuzz test found that).
    /// </summary>
    public Task<EndedJobs> PurgeQueueAsync(string endpointId, DateTimeOffset now, CancellationToken cancellationToken) => EndAsync($"""
        UPDATE jobs SET status = '{JobStatusNames.Cancelled}', finished_at = $1, error = 'removed by purge-queue'
        WHERE id IN (SELECT id FROM jobs WHERE endpoint_id = $2 AND status = '{JobStatusNames.InQueue}' FOR UPDATE SKIP LOCKED)
        RETURNING id, webhook
        """, c => c.Value(now).Value(endpointId), now, cancellationToken);

    /// <summary>
    /// Cancels up to <paramref name="limit"/> queued or running jobs of a deleted endpoint, with
    /// <paramref name="reason"/> as their error. Rows another transaction holds are skipped (no deadlock with
    /// the recorder); the caller comes back for them.
    /// </summary>
    public Task<EndedJobs> CancelAllOfAsync(string endpointId, string reason, int limit, DateTimeOffset now,
        CancellationToken cancellationToken) => EndAsync($"""
        UPDATE jobs SET status = '{JobStatusNames.Cancelled}', finished_at = $1, error = $3
        WHERE id IN (SELECT id FROM jobs WHERE endpoint_id = $2 AND status IN ({Live}) LIMIT $4 FOR UPDATE SKIP LOCKED)
        RETURNING id, webhook
        """, c => c.Value(now).Value(endpointId).Value(reason).Value(limit), now, cancellationToken);

    /// <summary>
    /// Fails up to <paramref name="limit"/> queued jobs of an endpoint whose workers cannot start, with
    /// <paramref name="error"/>; running jobs go on. Locked rows are skipped; the caller comes back for them.
    /// </summary>
    public Task<EndedJobs> FailQueuedOfAsync(string endpointId, string error, int limit, DateTimeOffset now,
        CancellationToken cancellationToken) => EndAsync($"""
        UPDATE jobs SET status = '{JobStatusNames.Failed}', finished_at = $1, error = $3
        WHERE id IN (SELECT id FROM jobs WHERE endpoint_id = $2 AND status = '{JobStatusNames.InQueue}' LIMIT $4 FOR UPDATE SKIP LOCKED)
        RETURNING id, webhook
        """, c => c.Value(now).Value(endpointId).Value(error).Value(limit), now, cancellationToken);

    /// <summary>Ends, as TIMED_OUT, queued jobs that waited longer than their policy's ttl.</summary>
    public Task<EndedJobs> ExpireQueuedAsync(DateTimeOffset now, CancellationToken cancellationToken) => EndAsync($"""
        UPDATE jobs SET status = '{JobStatusNames.TimedOut}', finished_at = $1,
            error = 'waited in the queue longer than its ttl of ' || ttl_ms || ' ms'
        WHERE id IN (
            SELECT id FROM jobs
            WHERE status = '{JobStatusNames.InQueue}' AND ttl_ms IS NOT NULL AND created_at + ttl_ms * interval '1 millisecond' < $1
            FOR UPDATE SKIP LOCKED)
        RETURNING id, webhook
        """, c => c.Value(now), now, cancellationToken);

    /// <summary>Whether any running job's lease has run out: one index-only probe, which almost every tick answers no.</summary>
    public async Task<bool> AnyLeaseExpiredAsync(CancellationToken cancellationToken)
    {
        await using var probe = database.CreateCommand(
            $"SELECT EXISTS (SELECT 1 FROM jobs WHERE status = '{JobStatusNames.InProgress}' AND lease_expires_at < now())");
        return (bool)(await probe.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Fails running jobs whose lease ran out and that already lost <paramref name="maxLosses"/> workers.</summary>
    public Task<EndedJobs> FailLostAsync(int maxLosses, DateTimeOffset now, CancellationToken cancellationToken) => EndAsync($"""
        UPDATE jobs SET status = '{JobStatusNames.Failed}', finished_at = $1, lease_expires_at = NULL, lease_losses = lease_losses + 1,
            error = 'worker ' || coalesce(worker_id, '?') || ' was lost while it ran attempt ' || attempt
                || ', the ' || (lease_losses + 1) || 'th lost worker of this job; it is not tried again'
        WHERE id IN (
            SELECT id FROM jobs
            WHERE status = '{JobStatusNames.InProgress}' AND lease_expires_at < now() AND lease_losses >= $2
            FOR UPDATE SKIP LOCKED)
        RETURNING id, webhook
        """, c => c.Value(now).Value(maxLosses), now, cancellationToken);

    /// <summary>
    /// Queues again, as their next attempt, running jobs whose lease ran out (their worker died, hung or
    /// lost its broker for longer than a lease) and that lost fewer than <paramref name="maxLosses"/>
    /// workers, with their <c>RunJob</c> rows and, in the same transaction, an <c>AttemptsSuperseded</c>
    /// broadcast so workers drop or stop the old attempt. Lost attempts do not use up <c>maxAttempts</c>.
    /// </summary>
    public async Task<(int Requeued, OutboxEnvelope? Superseded)> RequeueLostAsync(
        int maxLosses, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var lost = new List<SupersededAttempt>();
        await using (var requeue = new NpgsqlCommand($"""
            WITH lost AS (
                UPDATE jobs SET status = '{JobStatusNames.InQueue}', attempt = attempt + 1, lease_losses = lease_losses + 1,
                    error = 'attempt ' || attempt || ': worker ' || coalesce(worker_id, '?')
                        || ' was lost (its lease ran out); queued again',
                    started_at = NULL, worker_id = NULL, device = NULL, lease_expires_at = NULL
                WHERE id IN (
                    SELECT id FROM jobs
                    WHERE status = '{JobStatusNames.InProgress}' AND lease_expires_at < now() AND lease_losses < $2 AND queue IS NOT NULL
                    LIMIT 1000
                    FOR UPDATE SKIP LOCKED)
                RETURNING id, queue, attempt),
            sent AS ({OutboxStore.InsertRunJobsFrom("lost", "$1", "$1")})
            SELECT id, attempt FROM lost
            """, connection, transaction).Value(now).Value(maxLosses))
        {
            await using var reader = await requeue.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lost.Add(new SupersededAttempt(reader.GetGuid(0), reader.GetInt32(1)));
            }
        }

        OutboxEnvelope? superseded = null;
        if (lost.Count > 0)
        {
            superseded = OutboxEnvelope.For(new AttemptsSuperseded(lost), destination: null, now);
            await using var broadcast = connection.CreateBatch();
            broadcast.Transaction = transaction;
            await broadcast.With(OutboxStore.Insert(superseded, now)).ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (lost.Count, superseded);
    }

    /// <summary>
    /// Queues a FAILED or TIMED_OUT job of the endpoint again under the same id, as a new attempt with its
    /// original input, routed again by <paramref name="route"/> (from the job's memory needs), with its
    /// <c>RunJob</c> row due at once (a job that must wait for a worker gets none until released). False if
    /// there is no such job in such a state.
    /// </summary>
    public async Task<bool> RetryAsync(
        string endpointId, Guid jobId, Func<bool?, int?, RoutingDecision> route, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        RoutingDecision decision;
        await using (var requeue = new NpgsqlCommand($"""
            UPDATE jobs SET status = '{JobStatusNames.InQueue}', attempt = attempt + 1, output = NULL, error = NULL,
                started_at = NULL, finished_at = NULL, worker_id = NULL, device = NULL, lease_losses = 0
            WHERE id = $1 AND endpoint_id = $2 AND status IN ('{JobStatusNames.Failed}', '{JobStatusNames.TimedOut}')
            RETURNING prefer_gpu, min_gpu_memory_mb
            """, connection, transaction).Value(jobId).Value(endpointId))
        {
            await using var reader = await requeue.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return false;
            }

            decision = route(reader.IsDBNull(0) ? null : reader.GetBoolean(0), reader.IsDBNull(1) ? null : reader.GetInt32(1));
        }

        await using (var reroute = new NpgsqlCommand($"""
            WITH routed AS (UPDATE jobs SET queue = $2, routing = $3 WHERE id = $1 RETURNING id, queue, attempt)
            {OutboxStore.InsertRunJobsFrom("(SELECT * FROM routed WHERE queue IS NOT NULL)", "$4", "$4")}
            """, connection, transaction).Value(jobId).Value(decision.Queue).Value(decision.Reason).Value(now))
        {
            await reroute.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Sends a waiting job (no queue yet) to <paramref name="queue"/>: claims it, unless it was purged,
    /// cancelled or released meanwhile, and writes its <c>RunJob</c> row due at once. False if not claimed.
    /// </summary>
    public async Task<bool> ReleaseAsync(Guid jobId, string queue, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var release = database.CreateCommand($"""
            WITH claimed AS (
                UPDATE jobs SET queue = $2, routing = $3
                WHERE id = $1 AND status = '{JobStatusNames.InQueue}' AND queue IS NULL
                RETURNING id, queue, attempt)
            {OutboxStore.InsertRunJobsFrom("claimed", "$4", "$4")}
            """)
            .Value(jobId)
            .Value(queue)
            .Value(reason)
            .Value(now);
        return await release.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Runs an <c>UPDATE … RETURNING id, webhook</c> (its parameter 1 is <paramref name="now"/>) that ends
    /// jobs, with, in the same transaction, their webhook deliveries and the <c>JobsCancelled</c> broadcast
    /// that stops or drops them on the workers: the one way jobs are ended other than by their worker.
    /// </summary>
    private async Task<EndedJobs> EndAsync(
        string update, Func<NpgsqlCommand, NpgsqlCommand> parameters, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ended = new List<Guid>();
        var webhooks = false;
        await using (var command = new NpgsqlCommand($"""
            WITH ended AS ({update}),
            deliveries AS ({WebhookDeliveryStore.InsertForEndedFrom("ended", "$1")})
            SELECT id, webhook IS NOT NULL FROM ended
            """, connection, transaction))
        {
            parameters(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ended.Add(reader.GetGuid(0));
                webhooks |= reader.GetBoolean(1);
            }
        }

        if (ended.Count == 0)
        {
            return EndedJobs.None;
        }

        var broadcast = OutboxEnvelope.For(new JobsCancelled(ended), destination: null, now);
        await using (var batch = connection.CreateBatch())
        {
            batch.Transaction = transaction;
            await batch.With(OutboxStore.Insert(broadcast, now)).ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new EndedJobs(ended, webhooks, broadcast);
    }
}
