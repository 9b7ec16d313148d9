using System.Diagnostics;
using Fleet.Autoscaler.Scaling;

namespace Fleet.Autoscaler.Actuators;

/// <summary>One worker of <see cref="LocalProcessActuator"/>: its id outlives its processes (a restart keeps it).</summary>
internal sealed class WorkerSlot(string id, WorkerPool pool, WorkerFiles files)
{
    public string Id { get; } = id;

    /// <summary>
    /// Its pool, with the definition its process was started with; replaced by the catalog's current one while
    /// that has the same worker version (a scaling-only change reaches the running worker this way).
    /// </summary>
    public WorkerPool Pool { get; set; } = pool;

    /// <summary>The worker version its process runs (set when it starts, or read back from an adopted process).</summary>
    public int Version { get; set; } = pool.Version;

    public WorkerFiles Files { get; } = files;

    public Process? Process { get; set; }

    /// <summary>For an endpoint that names a package: the entry assembly of its extracted package, once fetched.</summary>
    public string? PackageProgram { get; set; }

    /// <summary>Its current process has heartbeated: an exit from now on is no failed start.</summary>
    public bool Ready { get; set; }

    /// <summary>
    /// Its process was started by a predecessor that was killed, and taken over: not our child, so
    /// its exit is seen by watching /proc and its exit code is unknown.
    /// </summary>
    public bool Adopted { get; set; }

    public OwnedWorkerState State { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public int Restarts { get; set; }

    public int CrashesInARow { get; set; }

    /// <summary>Completes when the worker has exited for good (drained).</summary>
    public TaskCompletionSource Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Worker ids are <c>{endpoint}-{kind}-{n}</c>, n counting up per pool.</summary>
    public static string IdPrefix(WorkerPool pool) => $"{pool.Endpoint.Id}-{pool.Kind}-";

    /// <summary>
    /// The wait before restarting it after a crash: the first delay, doubling with each crash in a row up to the
    /// maximum; a worker that ran for <see cref="AutoscalerOptions.StableAfter"/> starts again from the first.
    /// </summary>
    public TimeSpan CrashedAfter(TimeSpan ran, AutoscalerOptions options)
    {
        CrashesInARow = ran >= options.StableAfter ? 1 : CrashesInARow + 1;
        return TimeSpan.FromTicks(Math.Min(
            options.MaxRestartDelay.Ticks, options.RestartDelay.Ticks * (1L << Math.Min(CrashesInARow - 1, 20))));
    }

    public OwnedWorker ToOwned() => new(Id, Pool, Version, State, StartedAt, Process?.Id, Restarts, Files.Log, Adopted);
}
