using System.Text.Json.Serialization;

namespace Fleet.Contracts.Endpoints;

/// <summary>
/// What the catalog knows of an endpoint's workers failing to start at its current worker version:
/// how many in a row, the last one's error lines, and whether the autoscaler gave up (<see cref="Tripped"/>:
/// the endpoint is failing; submissions are refused and nothing is started until a new version or a reset).
/// </summary>
public sealed record StartFailures(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("lastError")] string LastError,
    [property: JsonPropertyName("tripped")] bool Tripped,
    [property: JsonPropertyName("at")] DateTimeOffset At)
{
    /// <summary>Why a queued job of the endpoint waits, or why a submission is refused.</summary>
    public string Describe() => $"{Count} worker{(Count == 1 ? "" : "s")} failed to start: {LastError}";

    /// <summary>The error of a job failed, or of a submission refused, because the endpoint's workers cannot start.</summary>
    public string Failing(string endpointId) => $"endpoint {endpointId} is failing: {Describe()}";
}
