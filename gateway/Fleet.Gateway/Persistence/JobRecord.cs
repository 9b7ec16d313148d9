using Fleet.Gateway.Jobs;

namespace Fleet.Gateway.Persistence;

/// <summary>One job: what was asked, where it was routed, and how its latest attempt ended.</summary>
public sealed class JobRecord
{
    public Guid Id { get; set; }

    public required string EndpointId { get; set; }

    public JobStatus Status { get; set; }

    /// <summary>The <c>input</c> exactly as submitted (json).</summary>
    public required string Input { get; set; }

    /// <summary>The handler's output (json), when it completed.</summary>
    public string? Output { get; set; }

    public string? Error { get; set; }

    public string? Webhook { get; set; }

    public int ExecutionTimeoutMs { get; set; }

    public int? TtlMs { get; set; }

    public bool LowPriority { get; set; }

    /// <summary>The queue the job was sent to, or null while it waits for a worker that can take it.</summary>
    public string? Queue { get; set; }

    /// <summary>Why the job went where it went (or why it waits): the routing decision, kept for inspection.</summary>
    public required string Routing { get; set; }

    /// <summary>GPU memory the job needs (its policy's, else its endpoint's); null for none.</summary>
    public int? MinGpuMemoryMb { get; set; }

    /// <summary>The job asked for the GPU (true) or for the CPU (false); null for the endpoint's default.</summary>
    public bool? PreferGpu { get; set; }

    /// <summary>
    /// Digest of (API key, endpoint, Idempotency-Key header), unique: a repeated submission with
    /// the same key finds this job instead of creating another. Null without the header.
    /// </summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>
    /// Chunks the ending attempt streamed (known once it succeeded); <c>/stream</c> reports the final status after the last.
    /// </summary>
    public int? StreamChunks { get; set; }

    /// <summary>The latest progress the running attempt reported.</summary>
    public string? ProgressMessage { get; set; }

    public double? ProgressPercent { get; set; }

    public DateTimeOffset? ProgressAt { get; set; }

    /// <summary>The current attempt (1 for the first). Events of another attempt are ignored.</summary>
    public int Attempt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? WorkerId { get; set; }

    public string? Device { get; set; }

    /// <summary>
    /// Until when the running attempt's worker holds the job: set when it starts, renewed by the
    /// worker's heartbeats and progress. Past it, the job is queued again as a new attempt.
    /// </summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>Attempts that ended because their worker was lost (lease expired).</summary>
    public int LeaseLosses { get; set; }

    /// <summary>The endpoint's worker version when the job was accepted: an older worker hands the job back.</summary>
    public int EndpointVersion { get; set; }

    /// <summary>The endpoint version of the worker that ran (or runs) the current attempt, as it reported it.</summary>
    public int? RanVersion { get; set; }
}
