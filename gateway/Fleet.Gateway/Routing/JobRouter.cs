using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.Gateway.Workers;

namespace Fleet.Gateway.Routing;

/// <summary>
/// Chooses a job's queue (TensorNext's rule). A CPU endpoint's jobs go to its CPU queue. A GPU
/// job that needs memory goes to the GPU queue when a live GPU worker serving the endpoint reports
/// that much free; otherwise to the CPU queue if the endpoint allows CPU fallback; otherwise it
/// waits, with the reason, until a heartbeat shows a worker that can take it.
/// </summary>
public sealed class JobRouter(LiveWorkers workers)
{
    /// <summary>A low-priority job waits for the releaser instead of joining its queue.</summary>
    public static readonly RoutingDecision LowPriority = new(null, "low priority: waits until no normal job of the endpoint is queued");

    public RoutingDecision Route(EndpointDefinition endpoint, bool? preferGpu, int? minGpuMemoryMb)
    {
        var cpuQueue = FleetNames.JobQueue(endpoint.Id, Hardware.Cpu);
        if (endpoint.Hardware == Hardware.Cpu)
        {
            return new(cpuQueue, "cpu endpoint");
        }

        var gpuQueue = FleetNames.JobQueue(endpoint.Id, Hardware.Gpu);
        if (preferGpu == false && endpoint.CpuFallback)
        {
            return new(cpuQueue, "cpu: the job asked for the CPU (preferGpu false)");
        }

        var needed = minGpuMemoryMb ?? endpoint.MinGpuMemoryMb;
        if (needed <= 0)
        {
            // No memory asked for: any GPU worker will do, including one the autoscaler has yet to start.
            return new(gpuQueue, "gpu endpoint");
        }

        var best = workers.Current
            .Where(w => w.IsGpu && w.Serves(endpoint.Id) && w.GpuMemoryFreeMb >= needed)
            .MaxBy(w => w.GpuMemoryFreeMb);
        if (best is not null)
        {
            return new(gpuQueue, $"gpu: worker {best.WorkerId} reports {best.GpuMemoryFreeMb} MB free of the {needed} MB asked");
        }

        var why = $"no GPU worker with {needed} MB free";
        return endpoint.CpuFallback ? new(cpuQueue, $"cpu fallback: {why}") : new(null, why);
    }
}
