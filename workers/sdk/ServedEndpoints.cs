using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Sdk;

/// <summary>
/// The endpoint queues this worker consumes: endpoints of its hardware whose handler it has, and on
/// a CPU worker also the CPU-fallback queues of GPU endpoints.
/// </summary>
public sealed class ServedEndpoints
{
    public ServedEndpoints(EndpointCatalog catalog, JobHandlerRegistry handlers, IWorkerDevice device, IOptions<WorkerOptions> options)
    {
        var wanted = options.Value.Endpoints;
        var hardware = options.Value.Hardware ?? device.Hardware;
        if (hardware == Hardware.Gpu && device.Hardware != Hardware.Gpu)
        {
            throw new InvalidOperationException(
                "Worker:Hardware is Gpu, but this worker has no GPU device: add one "
                + "(Fleet.Gpu: FleetFunctions.RunAsync(args, w => w.AddFleetGpu())).");
        }

        var served = new List<(EndpointDefinition, string)>();
        foreach (var endpoint in catalog.All)
        {
            if ((wanted.Count > 0 && !wanted.Contains(endpoint.Id)) || !handlers.TryGet(endpoint.Handler, out _))
            {
                continue;
            }

            if (endpoint.Hardware == hardware)
            {
                served.Add((endpoint, FleetNames.JobQueue(endpoint.Id, hardware)));
            }
            else if (hardware == Hardware.Cpu && endpoint.CpuFallback)
            {
                served.Add((endpoint, FleetNames.JobQueue(endpoint.Id, Hardware.Cpu)));
            }
        }

        foreach (var id in wanted.Where(id => !served.Any(s => s.Item1.Id == id)))
        {
            throw new InvalidOperationException(
                $"Worker:Endpoints names '{id}', which is not an endpoint this worker can serve (unknown, wrong hardware or no handler).");
        }

        Entries = served;
        EndpointIds = [.. served.Select(s => s.Item1.Id)];
        Queues = [.. served.Select(s => s.Item2)];
        Capacity = served.Sum(s => s.Item1.ConcurrencyPerWorker);
    }

    public IReadOnlyList<(EndpointDefinition Endpoint, string Queue)> Entries { get; }

    public IReadOnlyList<string> EndpointIds { get; }

    public IReadOnlyList<string> Queues { get; }

    public int Capacity { get; }

    /// <summary>
    /// The worker version of the endpoint's definition as this worker was given it (its endpoints file): what it runs,
    /// and what its reports say ran the job. 0: unversioned (a definition from a file of one's own).
    /// </summary>
    public int VersionOf(string endpointId) => Entries.FirstOrDefault(e => e.Endpoint.Id == endpointId).Endpoint?.Version ?? 0;

    /// <summary>The address of the queue this worker takes the endpoint's jobs from.</summary>
    public Uri QueueAddress(string endpointId) =>
        new($"queue:{Entries.First(e => e.Endpoint.Id == endpointId).Queue}");
}
