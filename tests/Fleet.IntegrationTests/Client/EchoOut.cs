using System.Text.Json.Serialization;

namespace Fleet.IntegrationTests.Client;

/// <summary>A user's own output record for the echo endpoint.</summary>
public sealed record EchoOut([property: JsonPropertyName("echo")] string? Echo);
