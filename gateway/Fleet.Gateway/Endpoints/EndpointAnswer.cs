using System.Text;
using System.Text.Json.Serialization;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Functions;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Storage;

namespace Fleet.Gateway.Endpoints;

/// <summary>
/// An endpoint as <c>/v1/endpoints</c> answers it: RunPod's names where RunPod has the field, Fleet's beside
/// them, <c>version</c> (every change adds one), <c>workerVersion</c> (the version whose workers serve it now),
/// timestamps and <c>startFailures</c> (its workers of this worker version failing to start, as the autoscaler
/// reported them; <c>tripped</c>: the endpoint is failing); after a PUT also <c>result</c> (<c>created</c>,
/// <c>updated</c> or <c>unchanged</c>).
/// </summary>
public sealed record EndpointAnswer(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("handler")] string Handler,
    [property: JsonPropertyName("computeType")] string ComputeType,
    [property: JsonPropertyName("gpuCount")] int GpuCount,
    [property: JsonPropertyName("workersMin")] int WorkersMin,
    [property: JsonPropertyName("workersMax")] int WorkersMax,
    [property: JsonPropertyName("idleTimeout")] int IdleTimeout,
    [property: JsonPropertyName("scalerType")] string ScalerType,
    [property: JsonPropertyName("scalerValue")] int ScalerValue,
    [property: JsonPropertyName("executionTimeoutMs")] int ExecutionTimeoutMs,
    [property: JsonPropertyName("maxAttempts")] int MaxAttempts,
    [property: JsonPropertyName("minGpuMemoryMb")] int MinGpuMemoryMb,
    [property: JsonPropertyName("cpuFallback")] bool CpuFallback,
    [property: JsonPropertyName("concurrencyPerWorker")] int ConcurrencyPerWorker,
    [property: JsonPropertyName("env")] IReadOnlyDictionary<string, string> Env,
    [property: JsonPropertyName("package")] string? Package,
    [property: JsonPropertyName("manifest")] RawJson? Manifest,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("workerVersion")] int WorkerVersion,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("startFailures")] StartFailures? StartFailures,
    [property: JsonPropertyName("result"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Result = null)
{
    public static EndpointAnswer Of(StoredEndpoint stored, string? result = null)
    {
        var e = stored.Definition;
        var manifest = stored.Manifest is null ? null : new RawJson(Encoding.UTF8.GetBytes(stored.Manifest));
        return new(e.Id, e.Id, e.Handler, ComputeTypes.Of(e.Hardware), e.Hardware == Hardware.Gpu ? 1 : 0, e.WorkersMin, e.WorkersMax,
            e.IdleTimeoutSeconds, e.ScalerType, e.ScalerValue, e.ExecutionTimeoutMs, e.MaxAttempts, e.MinGpuMemoryMb, e.CpuFallback,
            e.ConcurrencyPerWorker, e.Env, e.Package, manifest, stored.Version, e.Version, stored.CreatedAt, stored.UpdatedAt,
            e.StartFailures, result);
    }
}
