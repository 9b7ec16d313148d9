namespace Fleet.Autoscaler.Scaling;

/// <summary>One worker the actuator owns in a pool, with what its latest heartbeat said.</summary>
/// <param name="Running">Jobs it runs (0 unless <see cref="PoolWorkerState.Ready"/>).</param>
/// <param name="IdleSeconds">How long it has run nothing; null while it runs a job or has not reported.</param>
/// <param name="Version">The endpoint's worker version it was started with.</param>
public sealed record PoolWorker(string Id, PoolWorkerState State, int Running, double? IdleSeconds, int Version);
