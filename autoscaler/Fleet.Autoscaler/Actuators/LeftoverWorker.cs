using System.Diagnostics;
using Fleet.Autoscaler.Scaling;

namespace Fleet.Autoscaler.Actuators;

/// <summary>A live worker process a killed autoscaler left, with the pool its id names.</summary>
/// <param name="StartedAt">When its process started (it ran before this autoscaler did).</param>
/// <param name="StartTicks">Its start time in /proc's clock ticks, to tell it from a later process with the same pid.</param>
/// <param name="Number">The n of its id <c>{endpoint}-{kind}-{n}</c>, so new ids do not collide with it.</param>
/// <param name="Version">The endpoint's worker version it was started with.</param>
internal sealed record LeftoverWorker(
    string Id, Process Process, DateTimeOffset StartedAt, long StartTicks, WorkerPool Pool, int Number, int Version)
{
    /// <summary>It as an owned worker, running, taken over.</summary>
    public WorkerSlot ToSlot(string logDirectory) => new(Id, Pool, WorkerFiles.Of(logDirectory, Id))
    {
        Version = Version,
        Process = Process,
        Adopted = true,
        State = OwnedWorkerState.Running,
        StartedAt = StartedAt,
    };
}
