using Fleet.Contracts.Messages;
using Fleet.Gateway.Persistence;
using Npgsql;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// Records what workers report, a batch per transaction, as set-based updates. Each update is
/// guarded by the job's status and attempt, so a report that arrives late, twice, for an older
/// attempt, or after a cancellation changes nothing: a job keeps exactly one recorded ending.
/// </summary>
public sealed class JobEventRecorder(NpgsqlDataSource database, JobCompletionNotifier notifier, TimeProvider time)
    : GroupCommitWriter<object, bool>
{
    private const string Started = $"""
        UPDATE jobs SET status = '{JobStatusNames.InProgress}', started_at = u.started_at, worker_id = u.worker_id, device = u.device
        FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::text[], $5::text[]) AS u(id, attempt, started_at, worker_id, device)
        WHERE jobs.id = u.id AND jobs.attempt = u.attempt AND jobs.status = '{JobStatusNames.InQueue}'
        """;

    private const string Ended = $"""
        UPDATE jobs SET status = u.status, output = u.output::json, error = u.error, started_at = u.started_at,
            finished_at = u.finished_at, worker_id = u.worker_id, device = u.device
        FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[], $9::text[])
            AS u(id, attempt, status, output, error, started_at, finished_at, worker_id, device)
        WHERE jobs.id = u.id AND jobs.attempt = u.attempt AND jobs.status IN ('{JobStatusNames.InQueue}', '{JobStatusNames.InProgress}')
        RETURNING jobs.id, jobs.status, jobs.output, jobs.error, jobs.attempt, jobs.created_at, jobs.started_at, jobs.finished_at,
            jobs.worker_id, jobs.device, jobs.endpoint_id, jobs.input, jobs.queue, jobs.routing
        """;

    public Task RecordAsync(object workerEvent, CancellationToken cancellationToken) => WriteAsync(workerEvent, cancellationToken);

    protected override async Task<IReadOnlyList<bool>> WriteBatchAsync(IReadOnlyList<object> items, CancellationToken cancellationToken)
    {
        var started = items.OfType<JobStarted>().ToList();
        var ended = new List<Ending>(items.Count);
        foreach (var item in items)
        {
            switch (item)
            {
                case JobSucceeded s:
                    ended.Add(new(s.JobId, s.Attempt, JobStatusNames.Completed, s.Output.GetRawText(), null, s.StartedAt, s.FinishedAt, s.WorkerId, s.Device));
                    break;
                case JobFailed f:
                    ended.Add(new(f.JobId, f.Attempt, f.TimedOut ? JobStatusNames.TimedOut : JobStatusNames.Failed, null, f.Error, f.StartedAt, f.FinishedAt, f.WorkerId, f.Device));
                    break;
            }
        }

        // One round trip: both statements in one batch, which PostgreSQL runs as one implicit transaction.
        await using var batch = database.CreateBatch();
        if (started.Count > 0)
        {
            var command = new NpgsqlBatchCommand(Started);
            command.Parameters.Add(new() { Value = started.Select(s => s.JobId).ToArray() });
            command.Parameters.Add(new() { Value = started.Select(s => s.Attempt).ToArray() });
            command.Parameters.Add(new() { Value = started.Select(s => s.StartedAt.UtcDateTime).ToArray() });
            command.Parameters.Add(new() { Value = started.Select(s => s.WorkerId).ToArray() });
            command.Parameters.Add(new() { Value = started.Select(s => s.Device).ToArray() });
            batch.BatchCommands.Add(command);
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
            batch.BatchCommands.Add(command);
        }

        var endedRows = new List<JobRecord>();
        if (batch.BatchCommands.Count > 0)
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            do
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    endedRows.Add(JobRows.Read(reader));
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }

        var now = time.GetUtcNow();
        foreach (var row in endedRows)
        {
            notifier.Completed(row.Id, JobStatusMapper.ToDocument(row, now));
        }

        return new bool[items.Count];
    }

    private sealed record Ending(
        Guid JobId, int Attempt, string Status, string? Output, string? Error,
        DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string WorkerId, string Device);
}
