using System.Text.Json.Serialization;

namespace Fleet.Gateway.Api;

/// <summary>The answer of <c>/healthz</c>.</summary>
public sealed record ServiceStatus([property: JsonPropertyName("status")] string Status);
