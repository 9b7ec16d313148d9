using Fleet.Contracts;

namespace Fleet.Gateway.Workers;

/// <summary>
/// A live worker as the <c>workers</c> table has it (and <c>GET /admin/workers</c> shows it): what it
/// serves, on what device, its capacity and the jobs it runs, its GPU memory, its last heartbeat.
/// </summary>
public sealed record LiveWorker(
    string WorkerId,
    Fleet.Contracts.Hardware Hardware,
    string Device,
    IReadOnlyList<string> Endpoints,
    int Capacity,
    int Running,
    long? GpuMemoryTotalMb,
    long? GpuMemoryFreeMb,
    DateTimeOffset LastSeenAt,
    double? IdleSeconds,
    IReadOnlyList<Guid> RunningJobs)
{
    /// <summary>Job slots it has free now.</summary>
    public int FreeSlots => Math.Max(0, Capacity - Running);

    public bool Serves(string endpointId) => Endpoints.Contains(endpointId);

    public bool IsGpu => Hardware == Hardware.Gpu;
}
