using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Functions;

namespace Fleet.ServiceDefaults;

/// <summary>A declared function as the endpoint every process reads: the same fields, id and handler its name.</summary>
public static class FunctionEndpoints
{
    public static EndpointDefinition ToEndpointDefinition(this FunctionManifest function) => new()
    {
        Id = function.Name,
        Handler = function.Name,
        Hardware = function.Hardware,
        WorkersMin = function.WorkersMin,
        WorkersMax = function.WorkersMax,
        IdleTimeoutSeconds = function.IdleTimeoutSeconds,
        ScalerType = function.ScalerType,
        ScalerValue = function.ScalerValue,
        ExecutionTimeoutMs = function.ExecutionTimeoutMs,
        MaxAttempts = function.MaxAttempts,
        MinGpuMemoryMb = function.MinGpuMemoryMb,
        CpuFallback = function.CpuFallback,
        ConcurrencyPerWorker = function.ConcurrencyPerWorker,
    };
}
