namespace Fleet.Contracts.Messages;

/// <summary>
/// Event: a worker is alive; what it serves, on what device, and what it is running now. The
/// gateway stores the latest one per worker (table <c>workers</c>) and renews the leases of the
/// jobs it lists. <see cref="IdleSeconds"/> is how long the worker has run nothing (null while it
/// runs a job): the autoscaler's idle timeout reads it. <see cref="Stopping"/>: it takes no more work.
/// <see cref="RunningJobs"/> carry their attempts' report tokens, and <see cref="Signature"/> is an
/// HMAC of every other field under the key that workers and gateways share (<c>Worker:Key</c>).
/// </summary>
public sealed record WorkerHeartbeat(
    string WorkerId,
    Hardware Hardware,
    string Device,
    IReadOnlyList<string> Endpoints,
    int Capacity,
    IReadOnlyList<RunningAttempt> RunningJobs,
    long? GpuMemoryTotalMb,
    long? GpuMemoryFreeMb,
    DateTimeOffset SentAt,
    bool Stopping,
    double? IdleSeconds,
    string? Signature = null)
{
    /// <summary>A worker silent this long counts as gone, for the gateway and the autoscaler alike.</summary>
    public static readonly TimeSpan LiveFor = TimeSpan.FromSeconds(10);
}
