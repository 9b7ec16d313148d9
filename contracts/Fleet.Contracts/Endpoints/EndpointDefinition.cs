namespace Fleet.Contracts.Endpoints;

/// <summary>
/// A named function with its hardware and limits (API.md, "Endpoints"). Bound from configuration by
/// every process, so the gateway, the workers and the autoscaler read the same definition.
/// </summary>
public sealed record EndpointDefinition
{
    public string Id { get; init; } = "";

    /// <summary>The handler that runs this endpoint's jobs (the name on its input record).</summary>
    public string Handler { get; init; } = "";

    public Hardware Hardware { get; init; } = Hardware.Cpu;

    public int WorkersMin { get; init; }

    public int WorkersMax { get; init; } = 1;

    public int IdleTimeoutSeconds { get; init; } = 5;

    /// <summary>One of <see cref="Endpoints.ScalerType"/>: <c>QUEUE_DELAY</c> or <c>REQUEST_COUNT</c>.</summary>
    public string ScalerType { get; init; } = Endpoints.ScalerType.QueueDelay;

    public int ScalerValue { get; init; } = 4;

    public int ExecutionTimeoutMs { get; init; } = 600_000;

    public int MaxAttempts { get; init; } = 1;

    public int MinGpuMemoryMb { get; init; }

    public bool CpuFallback { get; init; }

    /// <summary>Jobs one worker runs at once (RunPod's concurrency modifier). Fleet addition.</summary>
    public int ConcurrencyPerWorker { get; init; } = 1;

    /// <summary>Environment variables of the endpoint's workers (RunPod's <c>env</c>).</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>The package (sha256 of its content) whose program runs the workers; null for Fleet's own workers.</summary>
    public string? Package { get; init; }

    /// <summary>
    /// The catalog's version of what the workers run (handler, hardware, env, concurrency, package): a change
    /// of any of these is a new version, whose workers replace the old ones. 0 for a definition read from a file.
    /// </summary>
    public int Version { get; init; }

    /// <summary>
    /// Workers of the current worker version failing to start, as the gateway recorded the autoscaler's reports; null
    /// when none failed (or a reset cleared them). Not a setting: no comparison of definitions looks at it.
    /// </summary>
    public StartFailures? StartFailures { get; init; }

    // By value, the environment by content: a record compares a dictionary by reference, so two reads of the same
    // definition would differ.
    public bool Equals(EndpointDefinition? other) =>
        other is not null && Id == other.Id && Handler == other.Handler && Hardware == other.Hardware && WorkersMin == other.WorkersMin
        && WorkersMax == other.WorkersMax && IdleTimeoutSeconds == other.IdleTimeoutSeconds && ScalerType == other.ScalerType
        && ScalerValue == other.ScalerValue && ExecutionTimeoutMs == other.ExecutionTimeoutMs && MaxAttempts == other.MaxAttempts
        && MinGpuMemoryMb == other.MinGpuMemoryMb && CpuFallback == other.CpuFallback && ConcurrencyPerWorker == other.ConcurrencyPerWorker
        && Package == other.Package && Version == other.Version && SameEnv(other.Env);

    public override int GetHashCode() => HashCode.Combine(Id, Handler, Hardware, ConcurrencyPerWorker, Version, Env.Count);

    /// <summary>Whether <paramref name="env"/> holds the same variables as <see cref="Env"/>.</summary>
    public bool SameEnv(IReadOnlyDictionary<string, string> env) =>
        Env.Count == env.Count && Env.All(e => env.TryGetValue(e.Key, out var value) && value == e.Value);
}
