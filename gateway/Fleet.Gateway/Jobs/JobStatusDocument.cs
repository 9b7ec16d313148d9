using System.Text.Json.Serialization;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// The status document of API.md: what <c>status</c>, <c>runsync</c> and webhooks return, plus Fleet's
/// <c>endpointVersion</c>: the version of the endpoint whose worker ran the job (null until it started), and
/// <c>waitReason</c>: why a queued job waits when Fleet knows (its endpoint's workers fail to start), else absent.
/// </summary>
public sealed record JobStatusDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("delayTime")] long DelayTime,
    [property: JsonPropertyName("executionTime")] long ExecutionTime,
    [property: JsonPropertyName("output")] RawJson? Output,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("workerId")] string? WorkerId,
    [property: JsonPropertyName("device")] string? Device,
    [property: JsonPropertyName("routing")] string Routing,
    [property: JsonPropertyName("progress")] JobProgress? Progress,
    [property: JsonPropertyName("endpointVersion")] int? EndpointVersion,
    [property: JsonPropertyName("waitReason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? WaitReason = null);
