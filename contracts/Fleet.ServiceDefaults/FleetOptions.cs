using Fleet.Contracts.Endpoints;

namespace Fleet.ServiceDefaults;

/// <summary>Section <c>Fleet</c>: the endpoint definitions every process reads.</summary>
public sealed class FleetOptions
{
    public List<EndpointDefinition> Endpoints { get; set; } = [];
}
