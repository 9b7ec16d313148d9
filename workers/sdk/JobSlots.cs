using System.Collections.Frozen;

namespace Fleet.Worker.Sdk;

/// <summary>
/// The jobs each served endpoint may run at once here (<c>concurrencyPerWorker</c>). A job's
/// message is acknowledged once the job started, so the broker's delivery limit no longer bounds
/// running jobs: these slots do.
/// </summary>
public sealed class JobSlots(ServedEndpoints served)
{
    private readonly FrozenDictionary<string, SemaphoreSlim> _slots = served.Entries.ToFrozenDictionary(
        e => e.Endpoint.Id, e => new SemaphoreSlim(e.Endpoint.ConcurrencyPerWorker, e.Endpoint.ConcurrencyPerWorker));

    public SemaphoreSlim For(string endpointId) =>
        _slots.TryGetValue(endpointId, out var slots)
            ? slots
            : throw new InvalidOperationException($"This worker does not serve endpoint '{endpointId}'.");
}
