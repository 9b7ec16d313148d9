using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Fleet.Worker.Sdk;

/// <summary>
/// Endpoints whose jobs this worker no longer takes because a newer version of the endpoint is rolling out: a job
/// accepted at a later worker version than the one this worker runs came to it. The worker hands such jobs back to
/// their queue, and its intake stops that endpoint's queue, so it never spins on jobs meant for the new workers; the
/// autoscaler drains it once a worker of the new version is ready.
/// </summary>
public sealed class SupersededEndpoints(ILogger<SupersededEndpoints> log)
{
    private readonly ConcurrentDictionary<string, int> _newer = new(StringComparer.Ordinal);

    /// <summary>Raised once per endpoint, with its id, when it is superseded.</summary>
    public event Action<string>? Superseded;

    public bool Contains(string endpointId) => _newer.ContainsKey(endpointId);

    /// <summary>Records that version <paramref name="newer"/> of the endpoint supersedes this worker's <paramref name="own"/>.</summary>
    public void Supersede(string endpointId, int own, int newer)
    {
        if (!_newer.TryAdd(endpointId, newer))
        {
            return;
        }

        log.LogWarning(
            "A job of version {Newer} of endpoint {EndpointId} came to this worker of version {Own}: the endpoint is rolling out a new " +
            "version, so this worker hands its jobs back and takes no more of them (it is drained once a new worker is ready)",
            newer, endpointId, own);
        Superseded?.Invoke(endpointId);
    }
}
