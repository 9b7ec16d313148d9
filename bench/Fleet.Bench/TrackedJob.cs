namespace Fleet.Bench;

/// <summary>A submitted job the pollers are still waiting on. Timestamps are Stopwatch ticks.</summary>
internal sealed class TrackedJob(string id, long submittedAt, int backoffMs)
{
    public string Id { get; } = id;

    /// <summary>Taken just before the run request was sent: latency counts the submit itself.</summary>
    public long SubmittedAt { get; } = submittedAt;

    /// <summary>When the last request that still saw the job unfinished was sent; the job ended after this.</summary>
    public long LastPendingSentAt { get; set; } = submittedAt;

    public int BackoffMs { get; set; } = backoffMs;
}
