using System.Text.Json.Serialization;

namespace Fleet.Gateway.Endpoints;

/// <summary>The answer to <c>DELETE /v1/endpoints/{id}</c>: the endpoint is gone, and how many of its jobs were cancelled.</summary>
public sealed record EndpointDeleted(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("deleted")] bool Deleted,
    [property: JsonPropertyName("cancelledJobs")] int CancelledJobs);
