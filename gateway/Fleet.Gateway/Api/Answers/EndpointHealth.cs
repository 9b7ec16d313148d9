using System.Text.Json.Serialization;

namespace Fleet.Gateway.Api;

/// <summary>The <c>/health</c> document of API.md.</summary>
public sealed record EndpointHealth(
    [property: JsonPropertyName("jobs")] EndpointHealth.JobFigures Jobs,
    [property: JsonPropertyName("workers")] EndpointHealth.WorkerFigures Workers)
{
    public sealed record JobFigures(
        [property: JsonPropertyName("completed")] long Completed,
        [property: JsonPropertyName("failed")] long Failed,
        [property: JsonPropertyName("inProgress")] long InProgress,
        [property: JsonPropertyName("inQueue")] long InQueue,
        [property: JsonPropertyName("retried")] long Retried);

    public sealed record WorkerFigures(
        [property: JsonPropertyName("idle")] int Idle,
        [property: JsonPropertyName("running")] int Running);
}
