namespace Fleet.Gateway.Persistence;

/// <summary>
/// An endpoint of the catalog (table <c>endpoints</c>): the truth for the gateway, the autoscaler and, through
/// the autoscaler, the workers. Written by <c>EndpointStore</c> only; read as a definition by <c>CatalogRows</c>.
/// </summary>
public sealed class EndpointRecord
{
    public required string Id { get; set; }

    public required string Handler { get; set; }

    public required string Hardware { get; set; }

    public int WorkersMin { get; set; }

    public int WorkersMax { get; set; }

    public int IdleTimeoutSeconds { get; set; }

    public required string ScalerType { get; set; }

    public int ScalerValue { get; set; }

    public int ExecutionTimeoutMs { get; set; }

    public int MaxAttempts { get; set; }

    public int MinGpuMemoryMb { get; set; }

    public bool CpuFallback { get; set; }

    public int ConcurrencyPerWorker { get; set; }

    /// <summary>The workers' environment variables, as a JSON object.</summary>
    public required string Env { get; set; }

    /// <summary>The package (sha256) the workers run; null for Fleet's own worker programs.</summary>
    public string? Package { get; set; }

    /// <summary>The function's manifest entry (input and output schemas) for a deployed function; null otherwise.</summary>
    public string? Manifest { get; set; }

    /// <summary>Grows with every change.</summary>
    public int Version { get; set; }

    /// <summary>The <see cref="Version"/> at which what workers run last changed (handler, hardware, env, concurrency, package).</summary>
    public int WorkerVersion { get; set; }

    /// <summary>
    /// Workers that failed to start in a row, at <see cref="StartFailuresVersion"/> (a worker version: failures of an older
    /// one mean nothing once the worker version moved); 0 once one became ready or after a reset.
    /// </summary>
    public int StartFailures { get; set; }

    public int StartFailuresVersion { get; set; }

    /// <summary>The last failed start's error (the worker's last output lines).</summary>
    public string? StartError { get; set; }

    /// <summary>The autoscaler gave up starting workers of that version: the endpoint is failing.</summary>
    public bool StartTripped { get; set; }

    /// <summary>When the autoscaler sent its last report of start failures, or the failures were reset.</summary>
    public DateTimeOffset? StartFailedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
