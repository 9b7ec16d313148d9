using System.Diagnostics;
using Fleet.Autoscaler.Scaling;

namespace Fleet.Autoscaler.Actuators;

/// <summary>One worker of <see cref="LocalProcessActuator"/>: its id outlives its processes (a restart keeps it).</summary>
internal sealed class WorkerSlot(string id, WorkerPool pool, string logFile)
{
    public string Id { get; } = id;

    public WorkerPool Pool { get; } = pool;

    public string LogFile { get; } = logFile;

    public Process? Process { get; set; }

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

    public OwnedWorker ToOwned() => new(Id, Pool, State, StartedAt, Process?.Id, Restarts, LogFile, Adopted);
}
