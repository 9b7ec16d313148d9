namespace Fleet.Client;

/// <summary>An endpoint's counts, as <c>GET /v2/{endpoint}/health</c> answers them.</summary>
/// <param name="Completed">Jobs completed.</param>
/// <param name="Failed">Jobs failed or timed out.</param>
/// <param name="InProgress">Jobs running.</param>
/// <param name="InQueue">Jobs waiting.</param>
/// <param name="Retried">Jobs that needed more than one attempt.</param>
/// <param name="IdleWorkers">Live workers running nothing.</param>
/// <param name="RunningWorkers">Live workers running jobs.</param>
public sealed record FleetEndpointHealth(
    long Completed, long Failed, long InProgress, long InQueue, long Retried, int IdleWorkers, int RunningWorkers);
