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

    void Start(WorkerPool pool);

    /// <summary>Drains the worker; one waiting to be restarted is simply not restarted.</summary>
    void Drain(string workerId);

    /// <summary>Drains every owned worker and waits for them to exit (the autoscaler is stopping).</summary>
    Task StopAllAsync(CancellationToken cancellationToken);
}
