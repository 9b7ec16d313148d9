using System.Text.Json.Serialization;

namespace Fleet.Gateway.Api;

public sealed record PurgeResult([property: JsonPropertyName("removed")] int Removed, [property: JsonPropertyName("status")] string Status);
