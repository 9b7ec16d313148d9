namespace Fleet.Autoscaler.Telemetry;

/// <summary>A pool's latest decision with the inputs it was taken from, as logged and served at <c>/decisions</c>.</summary>
/// <param name="Version">The endpoint's worker version: the version of the workers it starts.</param>
public sealed record PoolReport(
    string Endpoint,
    string Pool,
    string Queue,
    int Version,
    string ScalerType,
    int ScalerValue,
    int Min,
    int Max,
    int Queued,
    int InProgress,
    int BrokerDepth,
    double? OldestQueuedSeconds,
    int LowPriorityQueued,
    int LiveWorkers,
    int Actual,
    int Desired,
    string Reason,
    DateTimeOffset At);
