using Fleet.Contracts;
using Fleet.Contracts.Endpoints;

namespace Fleet.Gateway.Jobs;

/// <summary>Chooses the queue a job goes to. Recorded on the job as its routing decision.</summary>
public sealed class JobRouter
{
    public string Route(EndpointDefinition endpoint, JobPolicy policy) =>
        FleetNames.JobQueue(endpoint.Id, endpoint.Hardware);
}
