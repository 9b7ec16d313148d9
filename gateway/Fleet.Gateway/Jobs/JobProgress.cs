using System.Text.Json.Serialization;

namespace Fleet.Gateway.Jobs;

/// <summary>The latest progress a running job reported: a message and/or a percentage.</summary>
public sealed record JobProgress(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("percent")] double? Percent);
