using System.Collections.Concurrent;
using Fleet.Contracts.Endpoints;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.Gateway.FrontDoor;

/// <summary>
/// Admission for <c>batch/run</c>: <see cref="QueueDepths"/>' estimate, and where it says full, an
/// exact count of the endpoint's queued jobs before refusing. The estimate counts every job accepted
/// since its last read as queued, even one that has already run, so for fast jobs on a busy machine
/// (a late read) it runs hundreds of jobs ahead and refuses a client that keeps its queue short; a
/// refused batch then waits out its Retry-After. The count is made at most once per refresh interval
/// per endpoint, so a flood of refused requests does not become a flood of queries.
/// </summary>
public sealed class ConfirmedAdmission(QueueDepths depths, NpgsqlDataSource database, IOptions<FrontDoorOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, bool Full)> _confirmed = new(StringComparer.Ordinal);

    public async Task<bool> IsFullAsync(EndpointDefinition endpoint, CancellationToken cancellationToken)
    {
        if (!depths.IsFull(endpoint))
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (_confirmed.TryGetValue(endpoint.Id, out var last)
            && now - last.At < TimeSpan.FromMilliseconds(options.Value.AdmissionRefreshMs))
        {
            return last.Full;
        }

        // Served by the partial index on queued jobs.
        await using var command = database.CreateCommand("SELECT count(*) FROM jobs WHERE status = 'IN_QUEUE' AND endpoint_id = $1");
        command.Parameters.Add(new() { Value = endpoint.Id });
        var full = (long)(await command.ExecuteScalarAsync(cancellationToken))! > depths.Limit(endpoint);
        _confirmed[endpoint.Id] = (now, full);
        return full;
    }
}
