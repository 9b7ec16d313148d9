using Fleet.Autoscaler.Scaling;

namespace Fleet.Autoscaler.Actuators;

/// <summary>
/// What the autoscaler needs from whatever runs workers: start one, ask one to drain (stop taking
/// work, finish what it runs, exit), and list what it owns. It never asks to kill a worker.
/// </summary>
public interface IWorkerActuator
{
    IReadOnlyList<OwnedWorker> Owned();

    /// <summary>
    /// Called once, before the first decision: workers that a killed predecessor left running become
    /// owned workers of their pool again, so that they count and no second set starts beside them.
    /// Those of no pool in <paramref name="pools"/> are asked to drain.
    /// </summary>
    void Adopt(IReadOnlyList<WorkerPool> pools);

    /// <summary>
    /// The pools as the catalog defines them now: a worker of a pool's current version takes its new settings
    /// (a scaling-only change keeps the worker and applies at once).
    /// </summary>
    void Update(IReadOnlyList<WorkerPool> pools);

    /// <summary>
    /// Why no worker of the pool can be started here (no worker program for its hardware, or too many failed starts of its
    /// version); null when one can.
    /// </summary>
    string? CannotStart(WorkerPool pool);

    /// <summary>The worker has heartbeated since its process started: it is ready, and its start did not fail.</summary>
    void Ready(string workerId);

    /// <summary>Starts a worker of the pool's current version.</summary>
    void Start(WorkerPool pool);

    /// <summary>Drains the worker; one waiting to be restarted is simply not restarted.</summary>
    void Drain(string workerId);

    /// <summary>Drains every owned worker and waits for them to exit (the autoscaler is stopping).</summary>
    Task StopAllAsync(CancellationToken cancellationToken);
}
