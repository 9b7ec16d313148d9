using Fleet.Autoscaler.Scaling;

namespace Fleet.Autoscaler.Signals;

/// <summary>Everything one tick read: the signals of each pool and the live workers by id.</summary>
public sealed record ScalingSnapshot(
    IReadOnlyDictionary<WorkerPool, PoolSignals> Pools, IReadOnlyDictionary<string, LiveWorkerRow> Workers);
