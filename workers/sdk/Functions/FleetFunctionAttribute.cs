using Fleet.Contracts;
using Fleet.Contracts.Endpoints;

namespace Fleet.Worker.Sdk;

/// <summary>
/// Declares a handler class (<see cref="IJobHandler{TInput, TOutput}"/>) a Fleet function, with the
/// resources its endpoint gets: every field of an endpoint definition, with the same defaults.
/// <c>FleetFunctions.RunAsync(args)</c> serves every declared function of the entry assembly, and
/// prints them with <c>--manifest</c>; <c>fleet deploy</c> creates their endpoints.
/// <code>
/// [FleetFunction("summarize", WorkersMax = 2, ScalerType = ScalerType.RequestCount, ScalerValue = 8)]
/// public sealed class Summarize : IJobHandler&lt;SummarizeInput, SummarizeOutput&gt; { … }
/// </code>
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class FleetFunctionAttribute(string name) : Attribute
{
    /// <summary>The function's name: its endpoint's id (<c>/v2/{name}/run</c>). Letters, digits, '-' and '_', at most 64.</summary>
    public string Name { get; } = name;

    /// <summary>The queues its workers serve: <c>Gpu</c> for a worker with a GPU device (Fleet.Gpu).</summary>
    public Hardware Hardware { get; set; } = Hardware.Cpu;

    /// <summary>Workers kept running with no job (0: scale to zero).</summary>
    public int WorkersMin { get; set; }

    public int WorkersMax { get; set; } = 1;

    /// <summary>Seconds a worker may stay idle before it is drained.</summary>
    public int IdleTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// <see cref="Contracts.Endpoints.ScalerType.QueueDelay"/> or
    /// <see cref="Contracts.Endpoints.ScalerType.RequestCount"/> (RunPod's meaning).
    /// </summary>
    public string ScalerType { get; set; } = Contracts.Endpoints.ScalerType.QueueDelay;

    public int ScalerValue { get; set; } = 4;

    /// <summary>How long one attempt may run; each progress report starts it again.</summary>
    public int ExecutionTimeoutMs { get; set; } = 600_000;

    /// <summary>Attempts a job gets (a <see cref="PermanentJobException"/> ends it at once).</summary>
    public int MaxAttempts { get; set; } = 1;

    /// <summary>Free GPU memory a worker must report to be sent a job.</summary>
    public int MinGpuMemoryMb { get; set; }

    /// <summary>A GPU function whose jobs may run on a CPU worker when no GPU worker can take them.</summary>
    public bool CpuFallback { get; set; }

    /// <summary>Jobs one worker runs at once.</summary>
    public int ConcurrencyPerWorker { get; set; } = 1;
}
