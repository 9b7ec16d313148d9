using System.Collections.Frozen;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Microsoft.Extensions.Options;

namespace Fleet.ServiceDefaults;

/// <summary>
/// The endpoints of this fleet: those configured, plus the built-in <c>echo</c> unless configured
/// otherwise. Built once at start; lookups on the request path are a frozen-dictionary read.
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

    private readonly FrozenDictionary<string, EndpointDefinition> _byId;

    public EndpointCatalog(IOptions<FleetOptions> options)
    {
        var endpoints = options.Value.Endpoints.ToList();
        if (!endpoints.Any(e => e.Id == FleetNames.EchoEndpoint))
        {
            endpoints.Add(BuiltInEcho);
        }

        All = endpoints;
        _byId = endpoints.ToFrozenDictionary(e => e.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<EndpointDefinition> All { get; }

    public bool TryGet(string id, out EndpointDefinition endpoint) =>
        _byId.TryGetValue(id, out endpoint!);
}
