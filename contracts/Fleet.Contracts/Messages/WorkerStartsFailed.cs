namespace Fleet.Contracts.Messages;

/// <summary>
/// Event, from the autoscaler to the gateways: the workers it starts for an endpoint's worker version keep
/// failing before they are ready (initialisation throws, the process exits). <see cref="ConsecutiveFailures"/>
/// counts them since the last worker that became ready (0: one did, the trouble is over); with
/// <see cref="Tripped"/> the autoscaler has given up starting them, and the gateway marks the endpoint failing:
/// its queued jobs fail with <see cref="LastError"/> (the worker's last output lines) and submissions are refused
/// until a new version or a reset. Signed like a heartbeat (<see cref="Signature"/>: HMAC of every other field
/// under the workers' key), since the autoscaler publishes it with the workers' broker credentials.
/// </summary>
public sealed record WorkerStartsFailed(
    string EndpointId,
    int WorkerVersion,
    int ConsecutiveFailures,
    string LastError,
    bool Tripped,
    DateTimeOffset SentAt,
    string? Signature = null);
