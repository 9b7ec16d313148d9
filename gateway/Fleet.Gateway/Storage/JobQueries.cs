using Fleet.Contracts;
using Fleet.Gateway.Jobs;
using Fleet.ServiceDefaults;
using Npgsql;

namespace Fleet.Gateway.Storage;

/// <summary>
/// Reads of the <c>jobs</c> table for the API: status documents (a queued job's with why it waits, from the catalog),
/// pages of dead letters, counts.
/// </summary>
public sealed class JobQueries(NpgsqlDataSource database, EndpointCatalog catalog, TimeProvider time)
{
    /// <summary>The job's status document; with <paramref name="endpointId"/>, only if it belongs to that endpoint.</summary>
    public async Task<JobStatusDocument?> FindAsync(string? endpointId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"SELECT {JobRows.Columns} FROM jobs WHERE id = $1 AND ($2::text IS NULL OR endpoint_id = $2)")
            .Value(jobId)
            .Value(endpointId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Document(JobRows.Read(reader), time.GetUtcNow()) : null;
    }

    /// <summary>The status documents of the endpoint's jobs among <paramref name="ids"/>, in one query (unordered).</summary>
    public async Task<List<JobStatusDocument>> FindManyAsync(string endpointId, IReadOnlyList<Guid> ids,
        CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {JobRows.Columns} FROM jobs WHERE id = ANY($1) AND endpoint_id = $2")
            .Value(ids.Distinct().ToArray())
            .Value(endpointId);
        return await ReadDocumentsAsync(command, cancellationToken);
    }

    /// <summary>
    /// An endpoint's jobs in the given states, newest first, after the job <paramref name="before"/>
    /// when paging (keyset on the time-ordered id, so pages stay stable while jobs are added).
    /// </summary>
    public async Task<List<JobStatusDocument>> ListAsync(
        string endpointId, IReadOnlyList<string> statuses, Guid? before, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT {JobRows.Columns} FROM jobs
            WHERE endpoint_id = $1 AND status = ANY($2) AND ($3::uuid IS NULL OR id < $3)
            ORDER BY id DESC LIMIT $4
            """)
            .Value(endpointId)
            .Value(statuses.ToArray())
            .Value(before)
            .Value(limit);
        return await ReadDocumentsAsync(command, cancellationToken);
    }

    /// <summary>The endpoint's job counts, as <c>/health</c> reports them.</summary>
    public async Task<JobCounts> CountAsync(string endpointId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT status, count(*), count(*) FILTER (WHERE attempt > 1) FROM jobs WHERE endpoint_id = $1 GROUP BY status")
            .Value(endpointId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<JobStatus, long>();
        long retried = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[JobStatusWire.Parse(reader.GetString(0))] = reader.GetInt64(1);
            retried += reader.GetInt64(2);
        }

        return new JobCounts(
            counts.GetValueOrDefault(JobStatus.Completed),
            counts.GetValueOrDefault(JobStatus.Failed) + counts.GetValueOrDefault(JobStatus.TimedOut),
            counts.GetValueOrDefault(JobStatus.InProgress),
            counts.GetValueOrDefault(JobStatus.InQueue),
            retried);
    }

    /// <summary>The endpoint's queued jobs, counted exactly (served by the partial index on queued jobs).</summary>
    public async Task<long> CountQueuedAsync(string endpointId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"SELECT count(*) FROM jobs WHERE status = '{JobStatusNames.InQueue}' AND endpoint_id = $1")
            .Value(endpointId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Every endpoint's queued jobs: one small index-only query (the partial index on queued jobs).</summary>
    public async Task<Dictionary<string, long>> CountQueuedByEndpointAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"SELECT endpoint_id, count(*) FROM jobs WHERE status = '{JobStatusNames.InQueue}' GROUP BY endpoint_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var queued = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            queued[reader.GetString(0)] = reader.GetInt64(1);
        }

        return queued;
    }

    /// <summary>Whether the endpoint has the job, for telling "no such job" (404) from "not in this state" (409).</summary>
    public async Task<bool> ExistsAsync(string endpointId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT 1 FROM jobs WHERE id = $1 AND endpoint_id = $2").Value(jobId).Value(
            endpointId);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>
    /// Jobs that wait with no queue yet (a GPU job for memory, a low-priority job for a free slot), oldest
    /// first, and each endpoint's count of normal queued jobs, which low-priority jobs must wait out.
    /// </summary>
    public async Task<(List<ParkedJob> Parked, Dictionary<string, long> NormalQueued)> ParkedAsync(int limit,
        CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch()
            .With(new NpgsqlBatchCommand($"""
                SELECT id, endpoint_id, min_gpu_memory_mb, prefer_gpu, low_priority FROM jobs
                WHERE status = '{JobStatusNames.InQueue}' AND queue IS NULL ORDER BY created_at LIMIT $1
                """).Value(limit))
            .With(new NpgsqlBatchCommand(
                $"SELECT endpoint_id, count(*) FROM jobs WHERE status = '{JobStatusNames.InQueue}' AND NOT low_priority " +
                "GROUP BY endpoint_id"));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var parked = new List<ParkedJob>();
        while (await reader.ReadAsync(cancellationToken))
        {
            parked.Add(new ParkedJob(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetBoolean(3), reader.GetBoolean(4)));
        }

        await reader.NextResultAsync(cancellationToken);
        var normalQueued = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            normalQueued[reader.GetString(0)] = reader.GetInt64(1);
        }

        return (parked, normalQueued);
    }

    private async Task<List<JobStatusDocument>> ReadDocumentsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var now = time.GetUtcNow();
        var documents = new List<JobStatusDocument>();
        while (await reader.ReadAsync(cancellationToken))
        {
            documents.Add(Document(JobRows.Read(reader), now));
        }

        return documents;
    }

    /// <summary>The endpoints that have queued or running jobs.</summary>
    public async Task<List<string>> EndpointsWithLiveJobsAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT DISTINCT endpoint_id FROM jobs WHERE status IN ({JobStore.Live})");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private JobStatusDocument Document(JobStatusRow row, DateTimeOffset now)
    {
        var document = JobStatusMapper.ToDocument(row, now);
        return row.Status == JobStatus.InQueue && catalog.TryGet(row.EndpointId, out var endpoint) && endpoint.StartFailures is { } failures
            ? document with { WaitReason = failures.Describe() }
            : document;
    }
}
