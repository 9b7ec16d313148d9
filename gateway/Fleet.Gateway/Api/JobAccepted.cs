using System.Text.Json.Serialization;

namespace Fleet.Gateway.Api;

public sealed record JobAccepted([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("status")] string Status);
