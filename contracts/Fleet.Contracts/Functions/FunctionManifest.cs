using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.Contracts.Endpoints;

namespace Fleet.Contracts.Functions;

/// <summary>
/// One function of a <see cref="ProjectManifest"/>: its name, the resources declared beside its
/// handler (the fields of <see cref="EndpointDefinition"/>, with the same defaults), the environment
/// its workers get, and the JSON schemas of its input and output records.
/// </summary>
public sealed record FunctionManifest
{
    /// <summary>The function's name: its endpoint's id and its handler's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The handler class, namespace-qualified (for people and logs).</summary>
    public string HandlerType { get; init; } = "";

    [JsonConverter(typeof(JsonStringEnumConverter<Hardware>))]
    public Hardware Hardware { get; init; } = Hardware.Cpu;

    public int WorkersMin { get; init; }

    public int WorkersMax { get; init; } = 1;

    public int IdleTimeoutSeconds { get; init; } = 5;

    /// <summary><see cref="Endpoints.ScalerType.QueueDelay"/> or <see cref="Endpoints.ScalerType.RequestCount"/>.</summary>
    public string ScalerType { get; init; } = Endpoints.ScalerType.QueueDelay;

    public int ScalerValue { get; init; } = 4;

    public int ExecutionTimeoutMs { get; init; } = 600_000;

    public int MaxAttempts { get; init; } = 1;

    public int MinGpuMemoryMb { get; init; }

    public bool CpuFallback { get; init; }

    public int ConcurrencyPerWorker { get; init; } = 1;

    /// <summary>Environment variables the function's workers are started with.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>The input record, namespace-qualified.</summary>
    public string InputType { get; init; } = "";

    /// <summary>The output record, namespace-qualified.</summary>
    public string OutputType { get; init; } = "";

    /// <summary>JSON Schema (2020-12) of a job's <c>input</c>: what the worker accepts, strictly (unknown fields refused).</summary>
    public JsonElement? InputSchema { get; init; }

    /// <summary>JSON Schema (2020-12) of the job's <c>output</c>.</summary>
    public JsonElement? OutputSchema { get; init; }
}
