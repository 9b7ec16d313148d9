using System.Globalization;
using Fleet.Contracts.Endpoints;

namespace Fleet.Autoscaler.Scaling;

/// <summary>
/// RunPod's scaling rules as one pure function, so every case is unit-tested without processes.
/// Scale-out follows the scaler type; scale-in happens only through the idle timeout, and only to
/// workers that run nothing, so a scale-in never interrupts a job. A rolling release replaces the
/// workers of an older version of the endpoint: they are not counted, workers of the pool's version
/// start in their place, and the old ones drain (finishing what they run) once one of the new is ready.
/// </summary>
public static class ScalingPolicy
{
    public static ScalingDecision Decide(WorkerPool pool, PoolSignals signals, IReadOnlyList<PoolWorker> workers)
    {
        var live = workers.Where(w => w.State != PoolWorkerState.Draining).ToList();
        var counted = live.Where(w => w.Version == pool.Version).ToList();
        var outdated = live.Where(w => w.Version != pool.Version).ToList();
        var actual = counted.Count;
        var (target, reason) = pool.Endpoint.ScalerType == ScalerType.RequestCount
            ? RequestCount(pool, signals)
            : QueueDelay(pool, signals, counted);
        if (outdated.Count > 0 && target < 1)
        {
            // The old workers may hold or be about to take jobs: a new one takes their place before they go.
            target = 1;
            reason += $"; one of version {pool.Version} to replace those of an older version";
        }

        var desired = Math.Clamp(target, pool.Min, pool.Max);
        if (desired != target)
        {
            reason += desired < target ? $"; capped at workersMax {pool.Max}" : $"; held at workersMin {pool.Min}";
        }

        var (retire, rollout) = Retire(pool, outdated, counted, desired);
        reason += rollout;
        if (desired >= actual)
        {
            return new(actual, desired, reason, desired - actual, retire);
        }

        // Fewer wanted. A crashed worker waiting for its restart goes first (it runs nothing);
        // then workers idle for the endpoint's idle timeout, longest idle first. A busy or
        // starting worker is never chosen, even if that leaves more than desired for now.
        var surplus = actual - desired;
        var drain = counted.Where(w => w.State == PoolWorkerState.Restarting)
            .Concat(counted
                .Where(w => w.State == PoolWorkerState.Ready && w.Running == 0 && w.IdleSeconds >= pool.Endpoint.IdleTimeoutSeconds)
                .OrderByDescending(w => w.IdleSeconds))
            .Take(surplus)
            .Select(w => w.Id);
        return new(actual, desired, reason, 0, [.. retire, .. drain]);
    }

    /// <summary>
    /// Workers of an older version to drain now: all of them once a worker of the pool's version is ready
    /// (or when none is wanted), else only those waiting for a restart, which run nothing.
    /// </summary>
    private static (List<string> Ids, string Reason) Retire(WorkerPool pool, List<PoolWorker> outdated, List<PoolWorker> counted,
        int desired)
    {
        if (outdated.Count == 0)
        {
            return ([], "");
        }

        var now = desired == 0 || counted.Any(w => w.State == PoolWorkerState.Ready);
        var versions = string.Join(", ", outdated.Select(w => w.Version).Distinct().Order());
        return ([.. outdated.Where(w => now || w.State == PoolWorkerState.Restarting).Select(w => w.Id)], now
            ? $"; rolling out version {pool.Version}: draining {outdated.Count} of version {versions}"
            : $"; rolling out version {pool.Version}: {outdated.Count} of version {versions} drain once one of it is ready");
    }

    private static (int Target, string Reason) RequestCount(WorkerPool pool, PoolSignals signals)
    {
        var perWorker = pool.Endpoint.ScalerValue;
        var target = (signals.Work + perWorker - 1) / perWorker;
        return (target, $"REQUEST_COUNT: ceil({signals.Work} jobs / {perWorker}) = {target}");
    }

    private static (int Target, string Reason) QueueDelay(WorkerPool pool, PoolSignals signals, List<PoolWorker> counted)
    {
        var waiting = Math.Max(signals.Queued, signals.BrokerDepth - signals.InProgress);
        if (waiting <= 0)
        {
            // Nothing waits: keep the busy and the starting ones; idle ones leave through the idle
            // timeout, and a crashed one is not restarted for nothing.
            var busy = counted.Count(w => w.State == PoolWorkerState.Starting || w.Running > 0);
            return (busy, "QUEUE_DELAY: nothing waiting");
        }

        if (counted.Count == 0)
        {
            // Scaled to zero: the delay would only add to the cold start, so the first worker
            // starts at once (RunPod also starts a worker for a request to an endpoint at zero).
            return (1, $"QUEUE_DELAY: {waiting} waiting and no worker (cold start)");
        }

        var delay = pool.Endpoint.ScalerValue;
        var age = signals.OldestQueuedSeconds ?? 0;
        var oldest = age.ToString("0.0", CultureInfo.InvariantCulture);
        if (age <= delay)
        {
            return (counted.Count, $"QUEUE_DELAY: oldest waited {oldest} s <= {delay} s");
        }

        // One worker at a time: the next is added only once the previous one is up and the oldest
        // job still waits, or the delay would add a worker every tick while one starts.
        return counted.Any(w => w.State is PoolWorkerState.Starting or PoolWorkerState.Restarting)
            ? (counted.Count, $"QUEUE_DELAY: oldest waited {oldest} s > {delay} s; a worker is still starting")
            : (counted.Count + 1, $"QUEUE_DELAY: oldest waited {oldest} s > {delay} s: one more");
    }
}
