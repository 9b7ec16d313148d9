using System.Text.Json.Serialization;

namespace Fleet.Client;

/// <summary>The latest progress a running job reported (Fleet addition to the status document).</summary>
/// <param name="Message">What the handler said it is doing, if anything.</param>
/// <param name="Percent">How far it is, from 0 to 100, if it said.</param>
public sealed record FleetJobProgress(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("percent")] double? Percent);
