using System.Collections.Concurrent;
using Fleet.Contracts.Endpoints;
using Microsoft.Extensions.Options;
using Fleet.Gateway.Storage;

namespace Fleet.Gateway.FrontDoor;

/// <summary>
/// RunPod's admission rule with a check before refusing: <see cref="QueueDepths"/>' estimate, and where it
/// says full, an exact count of the endpoint's queued jobs. The estimate counts every job accepted since its
/// last read as queued, even one that has already run, so for fast jobs on a busy machine (a late read) it
/// runs hundreds of jobs ahead and refuses a client that keeps its queue short. The exact count corrects the
/// estimate (so the next requests are judged by it, not by another query); a "full" verdict is kept for one
/// refresh interval, so a flood of refused requests does not become a flood of queries.
/// </summary>
public sealed class ConfirmedAdmission(QueueDepths depths, JobQueries queries, IOptions<FrontDoorOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _fullSince = new(StringComparer.Ordinal);

    public async Task<bool> IsFullAsync(EndpointDefinition endpoint, CancellationToken cancellationToken)
    {
        if (!depths.IsFull(endpoint))
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (_fullSince.TryGetValue(endpoint.Id, out var since) && now - since < TimeSpan.FromMilliseconds(options.Value.AdmissionRefreshMs))
        {
            return true;
        }

        var acceptedBefore = depths.AcceptedSoFar(endpoint.Id);
        var queued = await queries.CountQueuedAsync(endpoint.Id, cancellationToken);
        depths.Correct(endpoint.Id, queued, acceptedBefore);
        var full = queued > depths.Limit(endpoint);
        if (full)
        {
            _fullSince[endpoint.Id] = now;
        }
        else
        {
            _fullSince.TryRemove(endpoint.Id, out _);
        }

        return full;
    }
}
