namespace Fleet.Autoscaler.Scaling;

/// <summary>
/// What one tick read for one pool. Low-priority jobs are left out of every count but
/// <see cref="LowPriorityQueued"/>, so they can never cause a scale-up.
/// </summary>
/// <param name="Queued">Normal jobs IN_QUEUE (job table).</param>
/// <param name="InProgress">Normal jobs IN_PROGRESS (job table).</param>
/// <param name="BrokerDepth">
/// Messages ready plus unacknowledged in the pool's queues (management API), less the low-priority jobs released to them.
/// </param>
/// <param name="OldestQueuedSeconds">How long the oldest normal queued job has waited (database clock); null when none waits.</param>
/// <param name="LowPriorityQueued">Low-priority jobs IN_QUEUE: reported, never counted as demand.</param>
/// <param name="LiveWorkers">Workers of this pool's endpoint and hardware alive by heartbeat, owned or not.</param>
public sealed record PoolSignals(
    int Queued, int InProgress, int BrokerDepth, double? OldestQueuedSeconds, int LowPriorityQueued, int LiveWorkers)
{
    public static readonly PoolSignals None = new(0, 0, 0, null, 0, 0);

    /// <summary>
    /// queued + inProgress as RunPod counts it. The job table and the broker each lag the other (the
    /// outbox sends after the commit; the management API refreshes its counts every few seconds),
    /// so the larger of the two is taken.
    /// </summary>
    public int Work => Math.Max(Queued + InProgress, BrokerDepth);
}
