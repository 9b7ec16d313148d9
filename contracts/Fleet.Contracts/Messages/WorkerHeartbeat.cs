namespace Fleet.Contracts.Messages;

/// <summary>Event: a worker is alive; what it serves, on what device, and what it is running now.</summary>
public sealed record WorkerHeartbeat(
    string WorkerId,
    Hardware Hardware,
    string Device,
    IReadOnlyList<string> Endpoints,
    int Capacity,
    IReadOnlyList<Guid> RunningJobs,
    long? GpuMemoryTotalMb,
    long? GpuMemoryFreeMb,
    DateTimeOffset SentAt,
    bool Stopping);
