using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Outbox;
using Fleet.Gateway.Persistence;
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
    TimeProvider time)
{
    /// <summary>
    /// Persists the job and its <c>RunJob</c> message; returns once both are committed. With
    /// <paramref name="answeredAfterEnding"/> (runsync) the commit does not wait for the WAL flush:
    /// the caller answers only after the job's ending commits synchronously, and that flush covers
    /// this earlier commit too, since PostgreSQL flushes the WAL in order.
    /// </summary>
    public async Task AcceptAsync(Guid jobId, EndpointDefinition endpoint, JobSubmission submission, bool answeredAfterEnding, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var minGpuMemory = submission.Policy.MinGpuMemoryMb ?? (endpoint.MinGpuMemoryMb > 0 ? endpoint.MinGpuMemoryMb : null);
        var route = router.Route(endpoint, submission.Policy.PreferGpu, minGpuMemory);
        var executionTimeout = submission.Policy.ExecutionTimeoutMs ?? endpoint.ExecutionTimeoutMs;
        var job = new JobRecord
        {
            Id = jobId,
            EndpointId = endpoint.Id,
            Status = JobStatus.InQueue,
            Input = submission.Input.GetRawText(),
            Webhook = submission.Webhook,
            ExecutionTimeoutMs = executionTimeout,
            TtlMs = submission.Policy.TtlMs,
            LowPriority = submission.Policy.LowPriority,
            Queue = route.Queue,
            Routing = route.Reason,
            MinGpuMemoryMb = minGpuMemory,
            PreferGpu = submission.Policy.PreferGpu,
            Attempt = 1,
            CreatedAt = now,
        };
        OutboxMessage? row = null;
        OutboxEnvelope? envelope = null;
        if (route.Queue is not null)
        {
            (row, envelope) = OutboxEnvelope.Create(
                new RunJob(jobId, endpoint.Id, endpoint.Handler, submission.Input, 1, executionTimeout, now), route.Queue, now);
        }

        await (answeredAfterEnding ? runSyncAcceptor : acceptor).WriteAsync(new AcceptedJob(job, row, envelope), cancellationToken);
    }

    public async Task<JobStatusDocument?> FindAsync(string endpointId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {JobRows.Columns} FROM jobs WHERE id = $1 AND endpoint_id = $2");
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = endpointId });
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
    /// (through the outbox) to drop their messages. Running jobs are left alone.
    /// </summary>
    public async Task<int> PurgeQueueAsync(string endpointId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var purged = await db.Database.SqlQuery<Guid>($"""
            UPDATE jobs SET status = {JobStatusNames.Cancelled}, finished_at = {now}, error = 'removed by purge-queue'
            WHERE endpoint_id = {endpointId} AND status = {JobStatusNames.InQueue}
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);
        if (purged.Count == 0)
        {
            return 0;
        }

        var (row, envelope) = OutboxEnvelope.Create(new JobsCancelled(purged), destination: null, now);
        db.OutboxMessages.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        relay.Enqueue([envelope]);
        return purged.Count;
    }
}
