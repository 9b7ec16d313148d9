using Fleet.Contracts;
using Fleet.Contracts.Endpoints;

namespace Fleet.Autoscaler.Scaling;

/// <summary>
/// The workers of one endpoint on one kind of hardware, consuming one queue. Every endpoint has
/// its own pool; a GPU endpoint with CPU fallback has a second one, the GPU binary run with
/// <c>Worker:Hardware=Cpu</c> on its CPU queue, which starts only for jobs already routed there.
/// A pool is the same pool whatever its endpoint's settings and version (equality by endpoint id and
/// hardware): the catalog changes under it, and its workers of an older version are replaced, not orphaned.
/// </summary>
public sealed record WorkerPool(EndpointDefinition Endpoint, Hardware Hardware)
{
    public bool IsCpuFallback => Endpoint.Hardware == Hardware.Gpu && Hardware == Hardware.Cpu;

    public string Queue => FleetNames.JobQueue(Endpoint.Id, Hardware);

    /// <summary><c>cpu</c>, <c>gpu</c> or <c>cpu-fallback</c>: how logs, metrics and worker ids name the pool.</summary>
    public string Kind => IsCpuFallback ? "cpu-fallback" : Hardware == Hardware.Gpu ? "gpu" : "cpu";

    /// <summary>workersMin holds for the endpoint's own hardware; the fallback pool may always be empty.</summary>
    public int Min => IsCpuFallback ? 0 : Endpoint.WorkersMin;

    public int Max => Endpoint.WorkersMax;

    /// <summary>The worker version its new workers run (<see cref="EndpointDefinition.Version"/>).</summary>
    public int Version => Endpoint.Version;

    public override string ToString() => $"{Endpoint.Id}/{Kind}";

    public bool Equals(WorkerPool? other) => other is not null && other.Endpoint.Id == Endpoint.Id && other.Hardware == Hardware;

    public override int GetHashCode() => HashCode.Combine(Endpoint.Id, Hardware);

    /// <summary>The pools an endpoint has.</summary>
    public static IEnumerable<WorkerPool> Of(EndpointDefinition endpoint)
    {
        yield return new(endpoint, endpoint.Hardware);
        if (endpoint.Hardware == Hardware.Gpu && endpoint.CpuFallback)
        {
            yield return new(endpoint, Hardware.Cpu);
        }
    }
}
