using System.Collections.Concurrent;
using System.Collections.Frozen;
using Fleet.Contracts.Endpoints;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.FrontDoor;

/// <summary>
/// Each endpoint's queued-job count for admission control, without a query per request: the count
/// read from the job table (every 200 ms) plus the jobs accepted since that read began.
/// A job accepted while the read runs may be counted twice until the next read: the error is
/// small and on the side of refusing.
/// </summary>
public sealed class QueueDepths(IOptions<FrontDoorOptions> options)
{
    private readonly ConcurrentDictionary<string, long> _acceptedTotal = new(StringComparer.Ordinal);
    private volatile Snapshot _last = new(FrozenDictionary<string, long>.Empty, FrozenDictionary<string, long>.Empty);

    /// <summary>Whether the endpoint's queue is past RunPod's limit: more than max(50, workersMax × 500) jobs.</summary>
    public bool IsFull(EndpointDefinition endpoint) => Queued(endpoint.Id) > Limit(endpoint);

    /// <summary>The most queued jobs the endpoint admits more work with: max(50, workersMax × 500).</summary>
    public long Limit(EndpointDefinition endpoint) =>
        Math.Max(options.Value.AdmissionMinQueued, (long)endpoint.WorkersMax * options.Value.AdmissionQueuedPerWorker);

    public long Queued(string endpointId)
    {
        var last = _last;
        return last.Queued.GetValueOrDefault(endpointId)
            + _acceptedTotal.GetValueOrDefault(endpointId) - last.AcceptedBeforeCount.GetValueOrDefault(endpointId);
    }

    public void Accepted(string endpointId) => _acceptedTotal.AddOrUpdate(endpointId, 1, (_, n) => n + 1);

    /// <summary>Jobs accepted for the endpoint since the gateway started: read before an exact count, for <see cref="Correct"/>.</summary>
    public long AcceptedSoFar(string endpointId) => _acceptedTotal.GetValueOrDefault(endpointId);

    /// <summary>
    /// Replaces one endpoint's estimate with an exact count, made after <paramref name="acceptedBefore"/> was read:
    /// jobs accepted since count on top of it, as after a regular refresh.
    /// </summary>
    public void Correct(string endpointId, long queued, long acceptedBefore)
    {
        var last = _last;
        _last = new Snapshot(With(last.Queued, endpointId, queued), With(last.AcceptedBeforeCount, endpointId, acceptedBefore));
    }

    private static FrozenDictionary<string, long> With(FrozenDictionary<string, long> counts, string key, long value) =>
        counts.Where(c => c.Key != key).Append(new(key, value)).ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Call before reading the counts from the database; pass the result to <see cref="Refresh"/>.</summary>
    public FrozenDictionary<string, long> BeginCount() => _acceptedTotal.ToFrozenDictionary(StringComparer.Ordinal);

    public void Refresh(IReadOnlyDictionary<string, long> queued, FrozenDictionary<string, long> acceptedBeforeCount) =>
        _last = new Snapshot(queued.ToFrozenDictionary(StringComparer.Ordinal), acceptedBeforeCount);

    private sealed record Snapshot(FrozenDictionary<string, long> Queued, FrozenDictionary<string, long> AcceptedBeforeCount);
}
