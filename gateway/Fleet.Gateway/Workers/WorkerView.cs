using Fleet.Contracts;
using Fleet.Contracts.Messages;

namespace Fleet.Gateway.Workers;

/// <summary>
/// A live worker as <c>GET /admin/workers</c> shows it: its latest heartbeat less what only the gateway
/// may see (the report tokens of the attempts it runs, and the heartbeat's signature).
/// </summary>
public sealed record WorkerView(
    string WorkerId,
    Hardware Hardware,
    string Device,
    IReadOnlyList<string> Endpoints,
    int Capacity,
    IReadOnlyList<Guid> RunningJobs,
    long? GpuMemoryTotalMb,
    long? GpuMemoryFreeMb,
    DateTimeOffset SentAt,
    bool Stopping,
    double? IdleSeconds)
{
    public static WorkerView Of(WorkerHeartbeat heartbeat) => new(
        heartbeat.WorkerId, heartbeat.Hardware, heartbeat.Device, heartbeat.Endpoints, heartbeat.Capacity,
        [.. heartbeat.RunningJobs.Select(j => j.JobId)], heartbeat.GpuMemoryTotalMb, heartbeat.GpuMemoryFreeMb, heartbeat.SentAt,
        heartbeat.Stopping, heartbeat.IdleSeconds);
}
