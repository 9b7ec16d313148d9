using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Client;

/// <summary>A job's status document, as <c>GET /v2/{endpoint}/status/{id}</c> answers it.</summary>
public sealed record FleetJobStatus
{
    /// <summary>The job's id.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>Its state.</summary>
    [JsonPropertyName("status")]
    public FleetJobState Status { get; init; }

    /// <summary>Milliseconds it spent queued.</summary>
    [JsonPropertyName("delayTime")]
    public long DelayTimeMs { get; init; }

    /// <summary>Milliseconds it spent running.</summary>
    [JsonPropertyName("executionTime")]
    public long ExecutionTimeMs { get; init; }

    /// <summary>The handler's output, once <see cref="FleetJobState.Completed"/>.</summary>
    [JsonPropertyName("output")]
    public JsonElement? Output { get; init; }

    /// <summary>The failure message of a failed, timed-out or cancelled job.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>Attempts made so far (Fleet; 0 where the server does not say).</summary>
    [JsonPropertyName("attempts")]
    public int Attempts { get; init; }

    /// <summary>The worker that ran it (Fleet).</summary>
    [JsonPropertyName("workerId")]
    public string? WorkerId { get; init; }

    /// <summary>The device it ran on, <c>cpu</c> or <c>cuda:N</c> (Fleet).</summary>
    [JsonPropertyName("device")]
    public string? Device { get; init; }

    /// <summary>Why it went to the queue it went to (Fleet).</summary>
    [JsonPropertyName("routing")]
    public string? Routing { get; init; }

    /// <summary>The latest progress it reported (Fleet).</summary>
    [JsonPropertyName("progress")]
    public FleetJobProgress? Progress { get; init; }

    /// <summary>Whether the job has ended (completed, failed, cancelled or timed out) and will not change again on its own.</summary>
    [JsonIgnore]
    public bool IsFinal => Status is FleetJobState.Completed or FleetJobState.Failed or FleetJobState.Cancelled or FleetJobState.TimedOut;
}
