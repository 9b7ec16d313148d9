using Fleet.Contracts;
using Fleet.Contracts.Functions;

namespace Fleet.Cli.Deploy;

/// <summary>What <c>fleet deploy</c> sends for a function: its endpoint under RunPod's names, the package, the manifest entry.</summary>
public static class EndpointDeployments
{
    public static EndpointDeployment For(FunctionManifest function, string package) => new()
    {
        Name = function.Name,
        ComputeType = ComputeTypes.Of(function.Hardware),
        WorkersMin = function.WorkersMin,
        WorkersMax = function.WorkersMax,
        IdleTimeout = function.IdleTimeoutSeconds,
        ScalerType = function.ScalerType,
        ScalerValue = function.ScalerValue,
        ExecutionTimeoutMs = function.ExecutionTimeoutMs,
        Env = function.Env,
        MaxAttempts = function.MaxAttempts,
        MinGpuMemoryMb = function.MinGpuMemoryMb,
        CpuFallback = function.CpuFallback,
        ConcurrencyPerWorker = function.ConcurrencyPerWorker,
        Package = package,
        Manifest = function,
    };

    /// <summary>One line about an endpoint, for people: <c>CPU, workers 0-2, idle 30 s, QUEUE_DELAY 4, …</c>.</summary>
    public static string Describe(EndpointDeployment endpoint) =>
        $"{endpoint.ComputeType}, workers {endpoint.WorkersMin}-{endpoint.WorkersMax}, idle {endpoint.IdleTimeout} s, "
        + $"{endpoint.ScalerType} {endpoint.ScalerValue}, timeout {endpoint.ExecutionTimeoutMs} ms, {endpoint.MaxAttempts} attempt(s), "
        + $"{endpoint.ConcurrencyPerWorker} per worker"
        + (endpoint.ComputeType == ComputeTypes.Gpu
            ? $", GPU memory {endpoint.MinGpuMemoryMb} MB, CPU fallback {(endpoint.CpuFallback ? "on" : "off")}"
            : "")
        + (endpoint.Env.Count > 0 ? $", env {string.Join(" ", endpoint.Env.Keys)}" : "");
}
