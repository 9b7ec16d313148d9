using Fleet.Contracts.Endpoints;
using Fleet.ServiceDefaults;

namespace Fleet.Gateway.Api;

/// <summary>
/// The endpoint a <c>/v2/{endpointId}/…</c> route names, resolved once per request from the catalog. A
/// route handler takes it as a parameter; an unknown endpoint never reaches the handler
/// (<see cref="KnownEndpointFilter"/> answers 404).
/// </summary>
public sealed record JobEndpoint(EndpointDefinition Definition)
{
    public const string RouteValue = "endpointId";

    public string Id => Definition.Id;

    public static ValueTask<JobEndpoint?> BindAsync(HttpContext context) =>
        ValueTask.FromResult(
            context.Request.RouteValues[RouteValue] is string id && context.RequestServices.GetRequiredService<EndpointCatalog>(
                ).TryGet(id, out var endpoint)
                ? new JobEndpoint(endpoint)
                : null);
}
