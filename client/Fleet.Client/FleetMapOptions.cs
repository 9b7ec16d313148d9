namespace Fleet.Client;

/// <summary>How a map runs its inputs.</summary>
public sealed record FleetMapOptions
{
    /// <summary>Result order: the inputs' (the default) or the jobs' completion.</summary>
    public FleetMapOrder Order { get; init; } = FleetMapOrder.Input;

    /// <summary>
    /// At most this many inputs are submitted and not yet handed out at once (jobs in flight, plus
    /// results held back for input order). Bounds the fleet's queue and the client's memory. Keep it
    /// under the endpoint's admission limit (RunPod's rule: max(50, workersMax × 500) queued jobs),
    /// or submissions meet 429s and wait out their Retry-After.
    /// </summary>
    public int MaxInFlight { get; init; } = 250;

    /// <summary>Inputs submitted in one <c>batch/run</c> request (1 to 1000).</summary>
    public int BatchSize { get; init; } = 250;

    /// <summary>Webhook, policy and idempotency key for every input (see <see cref="FleetRunOptions.IdempotencyKey"/>).</summary>
    public FleetRunOptions? Run { get; init; }
}
