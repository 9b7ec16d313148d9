using Fleet.Contracts;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Workers;
using Npgsql;

namespace Fleet.Gateway.Storage;

/// <summary>
/// The only code that writes <c>workers</c>: the latest heartbeat of each worker process, on the
/// database clock, so every gateway, <c>/health</c>, <c>/admin/workers</c>, routing and the autoscaler
/// see the same fleet. A worker silent for <see cref="WorkerHeartbeat.LiveFor"/> counts as gone.
/// </summary>
public sealed class WorkerStore(NpgsqlDataSource database)
{
    /// <summary>The heartbeats of a batch of reports (at most one per worker, the latest).</summary>
    public static NpgsqlBatchCommand Seen(IReadOnlyList<WorkerHeartbeat> heartbeats) => new NpgsqlBatchCommand("""
        INSERT INTO workers AS w (id, hardware, device, endpoints, capacity, running, idle_since, gpu_memory_total_mb,
            gpu_memory_free_mb, stopping, first_seen_at, last_seen_at)
        SELECT u.id, u.hardware, u.device, string_to_array(u.endpoints, ','), u.capacity, u.running,
            now() - u.idle_seconds * interval '1 second', u.gpu_total, u.gpu_free, u.stopping, now(), now()
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::float8[], $8::bigint[], $9::bigint[],
                $10::bool[])
            AS u(id, hardware, device, endpoints, capacity, running, idle_seconds, gpu_total, gpu_free, stopping)
        ON CONFLICT (id) DO UPDATE SET hardware = excluded.hardware, device = excluded.device, endpoints = excluded.endpoints,
            capacity = excluded.capacity, running = excluded.running, idle_since = excluded.idle_since,
            gpu_memory_total_mb = excluded.gpu_memory_total_mb, gpu_memory_free_mb = excluded.gpu_memory_free_mb,
            stopping = excluded.stopping, last_seen_at = excluded.last_seen_at
        """)
        .Column(heartbeats, h => h.WorkerId)
        .Column(heartbeats, h => h.Hardware.ToString())
        .Column(heartbeats, h => h.Device)
        .Column(heartbeats, h => string.Join(',', h.Endpoints))
        .Column(heartbeats, h => h.Capacity)
        .Column(heartbeats, h => h.RunningJobs.Count)
        .Column(heartbeats, h => h.IdleSeconds)
        .Column(heartbeats, h => h.GpuMemoryTotalMb)
        .Column(heartbeats, h => h.GpuMemoryFreeMb)
        .Column(heartbeats, h => h.Stopping);

    /// <summary>
    /// Live workers that take work (not stopping), each with the jobs it runs as the job table knows
    /// them (running, with that worker holding the lease), only those of <paramref name="jobsOf"/> if given.
    /// </summary>
    public async Task<List<LiveWorker>> LiveAsync(CancellationToken cancellationToken, IReadOnlyCollection<string>? jobsOf = null)
    {
        await using var command = database.CreateCommand($"""
            SELECT w.id, w.hardware, w.device, w.endpoints, w.capacity, w.running, w.gpu_memory_total_mb, w.gpu_memory_free_mb,
                w.last_seen_at, extract(epoch FROM now() - w.idle_since)::float8,
                array(SELECT j.id FROM jobs j
                    WHERE j.status = '{JobStatusNames.InProgress}' AND j.worker_id = w.id
                        AND ($2::text[] IS NULL OR j.endpoint_id = ANY($2)))
            FROM workers w
            WHERE NOT w.stopping AND w.last_seen_at > now() - $1 * interval '1 second'
            ORDER BY w.id
            """)
            .Value(WorkerHeartbeat.LiveFor.TotalSeconds)
            .Value(jobsOf?.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var workers = new List<LiveWorker>();
        while (await reader.ReadAsync(cancellationToken))
        {
            workers.Add(new LiveWorker(
                reader.GetString(0), Enum.Parse<Hardware>(reader.GetString(1)), reader.GetString(2), reader.GetFieldValue<string[]>(3),
                reader.GetInt32(4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetInt64(6),
                reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetDouble(9), reader.GetFieldValue<Guid[]>(10)));
        }

        return workers;
    }

    /// <summary>Live workers serving the endpoint that take work: how many are idle, how many run jobs.</summary>
    public async Task<(int Idle, int Running)> CountAsync(string endpointId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT count(*) FILTER (WHERE running = 0), count(*) FILTER (WHERE running > 0)
            FROM workers
            WHERE endpoints @> ARRAY[$1] AND NOT stopping AND last_seen_at > now() - $2 * interval '1 second'
            """)
            .Value(endpointId)
            .Value(WorkerHeartbeat.LiveFor.TotalSeconds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1));
    }
}
