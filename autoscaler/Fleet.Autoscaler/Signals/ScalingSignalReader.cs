using Fleet.Autoscaler.Scaling;
using Fleet.Contracts;
using Fleet.Contracts.Messages;
using Npgsql;

namespace Fleet.Autoscaler.Signals;

/// <summary>
/// Reads one tick's signals for every pool: the job table and the live workers in one round trip
/// (read only: the gateway writes both tables), and the queue depths in one management API call.
/// </summary>
public sealed class ScalingSignalReader(NpgsqlDataSource database, BrokerQueueDepths broker, ILogger<ScalingSignalReader> log)
{
    private bool _brokerWarned;

    public async Task<ScalingSnapshot> ReadAsync(IReadOnlyList<WorkerPool> pools, CancellationToken cancellationToken)
    {
        var endpointIds = pools.Select(p => p.Endpoint.Id).Distinct().ToArray();
        var depths = await ReadDepthsAsync(cancellationToken);
        var jobs = new List<(string Endpoint, string? Queue, int Queued, int InProgress, int LowQueued, int LowRouted, double? Oldest)>();
        var workers = new Dictionary<string, LiveWorkerRow>(StringComparer.Ordinal);
        await using (var batch = database.CreateBatch())
        {
            // Low-priority jobs are counted apart so that they never cause a scale-up; those
            // released to a queue are taken off the broker's depth of that queue.
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
                SELECT endpoint_id, queue,
                    count(*) FILTER (WHERE status = '{JobStatusNames.InQueue}' AND NOT low_priority),
                    count(*) FILTER (WHERE status = '{JobStatusNames.InProgress}' AND NOT low_priority),
                    count(*) FILTER (WHERE status = '{JobStatusNames.InQueue}' AND low_priority),
                    count(*) FILTER (WHERE low_priority AND queue IS NOT NULL),
                    extract(epoch FROM now() - min(created_at)
                        FILTER (WHERE status = '{JobStatusNames.InQueue}' AND NOT low_priority))::float8
                FROM jobs
                WHERE status IN ('{JobStatusNames.InQueue}', '{JobStatusNames.InProgress}') AND endpoint_id = ANY($1)
                GROUP BY endpoint_id, queue
                """) { Parameters = { new() { Value = endpointIds } } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                SELECT id, hardware, endpoints, running,
                    extract(epoch FROM now() - idle_since)::float8, extract(epoch FROM now() - last_seen_at)::float8, stopping
                FROM workers
                WHERE last_seen_at > now() - $2 * interval '1 second' AND endpoints && $1
                """) { Parameters = { new() { Value = endpointIds }, new() { Value = WorkerHeartbeat.LiveFor.TotalSeconds } } });
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                jobs.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), (int)reader.GetInt64(2),
                    (int)reader.GetInt64(3), (int)reader.GetInt64(4), (int)reader.GetInt64(5), reader.IsDBNull(6) ? null
                        : reader.GetDouble(6)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = new LiveWorkerRow(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetDouble(4), reader.GetDouble(5), reader.GetBoolean(6));
                workers[row.Id] = row;
            }
        }

        var signals = new Dictionary<WorkerPool, PoolSignals>();
        foreach (var pool in pools)
        {
            // The endpoint's own pool answers for all its jobs, wherever they were routed: a job sent
            // to the CPU fallback or waiting for a GPU still asks for the endpoint's hardware. The
            // fallback pool answers only for the jobs already on its queue.
            var mine = jobs.Where(j => j.Endpoint == pool.Endpoint.Id && (!pool.IsCpuFallback || j.Queue == pool.Queue)).ToList();
            var queues = pool.IsCpuFallback ? [pool.Queue] : WorkerPool.Of(pool.Endpoint).Select(p => p.Queue).ToArray();
            var brokerDepth = queues.Sum(q => Math.Max(0, depths.GetValueOrDefault(q) - mine.Where(j => j.Queue == q).Sum(j
                => j.LowRouted)));
            var live = workers.Values.Count(w => !w.Stopping && w.Hardware == pool.Hardware.ToString() && w.Endpoints.Contains(
                pool.Endpoint.Id));
            signals[pool] = new PoolSignals(
                mine.Sum(j => j.Queued), mine.Sum(j => j.InProgress), brokerDepth,
                mine.Select(j => j.Oldest).Max(), mine.Sum(j => j.LowQueued), live);
        }

        return new ScalingSnapshot(signals, workers);
    }

    private async Task<IReadOnlyDictionary<string, int>> ReadDepthsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var depths = await broker.ReadAsync(cancellationToken);
            _brokerWarned = false;
            return depths;
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException
            && !cancellationToken.IsCancellationRequested)
        {
            // The job table alone still tells what waits; scaling goes on without the broker's view.
            if (!_brokerWarned)
            {
                log.LogWarning("Queue depths unavailable from the management API, scaling on the job table alone: {Error}", e.Message);
                _brokerWarned = true;
            }

            return new Dictionary<string, int>();
        }
    }
}
