using System.Text.Json.Serialization;

namespace Fleet.Contracts.Functions;

/// <summary>
/// The body of <c>PUT /v1/endpoints/{name}</c> (<see cref="FleetNames.EndpointsRoute"/>) that
/// <c>fleet deploy</c> sends per function: the endpoint's settings under RunPod's names where RunPod
/// has them (its REST API's <c>computeType</c>, <c>idleTimeout</c>, …), Fleet's own beside them, the
/// package that runs it and the function's manifest entry. The answer is an <see cref="EndpointDeploymentResult"/>.
/// </summary>
public sealed record EndpointDeployment
{
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary><c>CPU</c> or <c>GPU</c> (<see cref="ComputeTypes"/>).</summary>
    [JsonPropertyName("computeType")]
    public string ComputeType { get; init; } = ComputeTypes.Cpu;

    [JsonPropertyName("workersMin")]
    public int WorkersMin { get; init; }

    [JsonPropertyName("workersMax")]
    public int WorkersMax { get; init; }

    /// <summary>Seconds an idle worker lives on.</summary>
    [JsonPropertyName("idleTimeout")]
    public int IdleTimeout { get; init; }

    [JsonPropertyName("scalerType")]
    public string ScalerType { get; init; } = "";

    [JsonPropertyName("scalerValue")]
    public int ScalerValue { get; init; }

    [JsonPropertyName("executionTimeoutMs")]
    public int ExecutionTimeoutMs { get; init; }

    [JsonPropertyName("env")]
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    [JsonPropertyName("maxAttempts")]
    public int MaxAttempts { get; init; }

    [JsonPropertyName("minGpuMemoryMb")]
    public int MinGpuMemoryMb { get; init; }

    [JsonPropertyName("cpuFallback")]
    public bool CpuFallback { get; init; }

    [JsonPropertyName("concurrencyPerWorker")]
    public int ConcurrencyPerWorker { get; init; }

    /// <summary>The sha256 (lowercase hex) of the package, uploaded before with <c>PUT /v1/packages/{sha256}</c>.</summary>
    [JsonPropertyName("package")]
    public string Package { get; init; } = "";

    [JsonPropertyName("manifest")]
    public FunctionManifest Manifest { get; init; } = new();
}
