using Fleet.Contracts;

namespace Fleet.Worker.Sdk;

/// <summary>The device a worker computes on, chosen once at start.</summary>
public interface IWorkerDevice
{
    /// <summary><c>cpu</c> or <c>cuda:N</c>; shown in logs, heartbeats and every job's status.</summary>
    string Name { get; }

    Hardware Hardware { get; }

    /// <summary>Total and free accelerator memory now, or null for a CPU device.</summary>
    DeviceMemory? ReadMemory();
}
