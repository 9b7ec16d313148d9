using Fleet.Contracts;
using Fleet.Gateway.Jobs;
using Npgsql;

namespace Fleet.Gateway.Storage;

public sealed partial class JobStore
{
    // Inputs arrive as bytea (the request's own bytes, no UTF-16 copy) and become json in the database.
    // Jobs whose idempotency key is taken are skipped, and so are their RunJob rows.
    private static readonly string s_insertNew = $"""
        WITH inserted AS (
            INSERT INTO jobs (id, endpoint_id, status, input, webhook, execution_timeout_ms, ttl_ms, low_priority, queue, attempt,
                created_at, routing, min_gpu_memory_mb, prefer_gpu, idempotency_key, endpoint_version)
            SELECT u.id, u.endpoint_id, '{JobStatusNames.InQueue}', convert_from(u.input, 'UTF8')::json, u.webhook, u.timeout, u.ttl, u.low,
                u.queue, 1, u.created_at, u.routing, u.memory, u.prefer_gpu, u.idempotency_key, u.endpoint_version
            FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::text[], $5::int[], $6::int[], $7::bool[], $8::text[], $9::timestamptz[],
                $10::text[], $11::int[], $12::bool[], $13::text[], $14::int[])
                AS u(id, endpoint_id, input, webhook, timeout, ttl, low, queue, created_at, routing, memory, prefer_gpu, idempotency_key,
                    endpoint_version)
            ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING id)
        {OutboxStore.InsertRunJobsListed("inserted", first: 15)}
        """;

    /// <summary>Inserts new jobs, and the <c>RunJob</c> rows of those sent at once, in one statement.</summary>
    public static NpgsqlBatchCommand InsertNew(IReadOnlyList<NewJob> jobs)
    {
        var insert = new NpgsqlBatchCommand(s_insertNew)
            .Column(jobs, j => j.Id)
            .Column(jobs, j => j.EndpointId)
            .Column(jobs, j => j.Input)
            .Column(jobs, j => j.Webhook)
            .Column(jobs, j => j.ExecutionTimeoutMs)
            .Column(jobs, j => j.TtlMs)
            .Column(jobs, j => j.LowPriority)
            .Column(jobs, j => j.Queue)
            .Column(jobs, j => j.CreatedAt)
            .Column(jobs, j => j.Routing)
            .Column(jobs, j => j.MinGpuMemoryMb)
            .Column(jobs, j => j.PreferGpu)
            .Column(jobs, j => j.IdempotencyKey)
            .Column(jobs, j => j.EndpointVersion);
        return OutboxStore.ListedRunJobParameters(insert, [.. jobs.Where(j => j.Message is not null)]);
    }

    /// <summary>The job holding each idempotency key of the batch (its own, or an earlier one's): rows of (key, job id).</summary>
    public static NpgsqlBatchCommand? JobsOfKeys(IReadOnlyList<NewJob> jobs)
    {
        var keys = jobs.Where(j => j.IdempotencyKey is not null).Select(j => j.IdempotencyKey!).Distinct().ToArray();
        return keys.Length == 0 ? null : new NpgsqlBatchCommand(
            "SELECT idempotency_key, id FROM jobs WHERE idempotency_key = ANY($1)").Value(keys);
    }
}
