using System.Text.Json.Serialization;

namespace Fleet.IntegrationTests.Client;

/// <summary>A user's own input record for the echo endpoint (the client knows nothing of Fleet.Contracts).</summary>
public sealed record EchoIn(
    [property: JsonPropertyName("echo")] string? Echo = null,
    [property: JsonPropertyName("sleep_s")] double? SleepSeconds = null,
    [property: JsonPropertyName("fail")] string? Fail = null,
    [property: JsonPropertyName("stream")] IReadOnlyList<string>? Stream = null);
