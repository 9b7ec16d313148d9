namespace Fleet.Autoscaler.Telemetry;

/// <summary>A pool's latest decision with the inputs it was taken from, as logged and served at <c>/decisions</c>.</summary>
public sealed record PoolReport(
    string Endpoint,
    string Pool,
    string Queue,
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
