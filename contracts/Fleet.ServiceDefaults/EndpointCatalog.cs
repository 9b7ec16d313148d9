using System.Collections.Frozen;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Microsoft.Extensions.Options;

namespace Fleet.ServiceDefaults;

/// <summary>
/// The endpoints of this fleet. At start, those configured (the endpoints file), plus the built-in
/// <c>echo</c> unless configured otherwise; in the gateway and the autoscaler, the <c>endpoints</c> table
/// from then on (<see cref="Replace"/>, kept current by a watch). Lookups on the request path are a read
/// of a frozen dictionary, swapped whole on a change.
/// </summary>
public sealed class EndpointCatalog
{
    public static readonly EndpointDefinition BuiltInEcho = new()
    {
        Id = FleetNames.EchoEndpoint,
        Handler = "echo",
        Hardware = Hardware.Cpu,
        WorkersMin = 1,
        WorkersMax = 1,
        ExecutionTimeoutMs = 600_000,
        ConcurrencyPerWorker = 64,
    };

    private volatile Snapshot _current;

    public EndpointCatalog(IOptions<FleetOptions> options)
    {
        var endpoints = options.Value.Endpoints.ToList();
        if (!endpoints.Any(e => e.Id == FleetNames.EchoEndpoint))
        {
            endpoints.Add(BuiltInEcho);
        }

        Configured = endpoints;
        _current = new Snapshot(endpoints);
    }

    /// <summary>The endpoints configuration names (with the built-in echo): what a gateway seeds the table with.</summary>
    public IReadOnlyList<EndpointDefinition> Configured { get; }

    public IReadOnlyList<EndpointDefinition> All => _current.All;

    /// <summary>Raised after <see cref="Replace"/> changed what the catalog holds.</summary>
    public event Action? Changed;

    public bool TryGet(string id, out EndpointDefinition endpoint) =>
        _current.ById.TryGetValue(id, out endpoint!);

    /// <summary>Takes the endpoints the database holds, in place of what the catalog held.</summary>
    public void Replace(IReadOnlyList<EndpointDefinition> endpoints)
    {
        var next = new Snapshot(endpoints);
        if (next.Equals(_current))
        {
            return;
        }

        _current = next;
        Changed?.Invoke();
    }

    private sealed class Snapshot(IReadOnlyList<EndpointDefinition> all)
    {
        public IReadOnlyList<EndpointDefinition> All { get; } = all;

        public FrozenDictionary<string, EndpointDefinition> ById { get; } = all.ToFrozenDictionary(e => e.Id, StringComparer.Ordinal);

        /// <summary>The same endpoints with the same settings and versions.</summary>
        public bool Equals(Snapshot other) =>
            All.Count == other.All.Count && All.All(e => other.ById.TryGetValue(e.Id, out var o) && e == o);
    }
}
