using Fleet.Contracts.Messages;
using Npgsql;

namespace Fleet.Gateway.Workers;

/// <summary>
/// The <c>workers</c> table, which every gateway writes from the heartbeats it receives: the one
/// view of the fleet that all gateways (and the autoscaler) share, where each gateway's in-memory
/// <see cref="WorkerRegistry"/> sees only the heartbeats that reached it.
/// </summary>
public sealed class WorkerDirectory(NpgsqlDataSource database)
{
    /// <summary>Live workers serving the endpoint that take work: how many are idle, how many run jobs.</summary>
    public async Task<(int Idle, int Running)> CountAsync(string endpointId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT count(*) FILTER (WHERE running = 0), count(*) FILTER (WHERE running > 0)
            FROM workers
            WHERE endpoints @> ARRAY[$1] AND NOT stopping AND last_seen_at > now() - $2 * interval '1 second'
            """);
        command.Parameters.Add(new() { Value = endpointId });
        command.Parameters.Add(new() { Value = WorkerHeartbeat.LiveFor.TotalSeconds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1));
    }
}
