namespace Fleet.Client;

/// <summary>
/// What a submission may say besides its input: the <c>webhook</c> and <c>policy</c> of a <c>/run</c> body, and its idempotency key.
/// </summary>
public sealed record FleetRunOptions
{
    /// <summary>A URL the gateway POSTs the status document to when the job ends.</summary>
    public Uri? Webhook { get; init; }

    /// <summary><c>policy.executionTimeout</c>: how long one attempt may run (more than 5 s).</summary>
    public TimeSpan? ExecutionTimeout { get; init; }

    /// <summary><c>policy.ttl</c>: how long the job may wait in the queue before it ends <c>TIMED_OUT</c>.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary><c>policy.lowPriority</c>: run after normal jobs, and never cause a scale-up.</summary>
    public bool LowPriority { get; init; }

    /// <summary><c>policy.preferGpu</c> (Fleet): route to a GPU worker when one can take the job.</summary>
    public bool? PreferGpu { get; init; }

    /// <summary><c>policy.minGpuMemoryMb</c> (Fleet): the free GPU memory the job needs.</summary>
    public int? MinGpuMemoryMb { get; init; }

    /// <summary>
    /// The <c>Idempotency-Key</c> sent with the submission. A repeated submission with the same key
    /// returns the first job instead of creating another. When null the client makes one per call,
    /// so its own retries (after a 429 or a lost connection) never create a second job. A map sends
    /// <c>{key}-{index}</c> for each input, so a map run again with the same key creates no job twice.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}
