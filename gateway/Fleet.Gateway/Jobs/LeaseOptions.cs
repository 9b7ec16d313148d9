using System.ComponentModel.DataAnnotations;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// Section <c>Leases</c>. A running attempt is held by its worker for <see cref="Seconds"/>, renewed
/// by every heartbeat (every 2 s by default) and progress report; a lease that runs out means the
/// worker is gone, and the job is queued again as a new attempt.
/// </summary>
public sealed class LeaseOptions
{
    public const string Section = "Leases";

    /// <summary>Long enough to ride out a few lost heartbeats and a busy gateway.</summary>
    [Range(1, 3_600)]
    public double Seconds { get; set; } = 30;

    /// <summary>How often expired leases are looked for.</summary>
    [Range(50, 60_000)]
    public int ReaperIntervalMs { get; set; } = 1_000;

    /// <summary>
    /// Lost workers a job survives; the next loss fails it (a job that kills its worker, an
    /// out-of-memory kill, must not loop forever). Lost attempts do not use up <c>maxAttempts</c>.
    /// </summary>
    [Range(0, 100)]
    public int MaxLosses { get; set; } = 3;
}
