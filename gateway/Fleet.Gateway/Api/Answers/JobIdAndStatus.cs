using System.Text.Json.Serialization;

namespace Fleet.Gateway.Api;

/// <summary>The short answer of run, cancel and retry: <c>{"id", "status"}</c>.</summary>
public sealed record JobIdAndStatus([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("status")] string Status);
