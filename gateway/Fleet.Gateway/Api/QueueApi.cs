using Fleet.Gateway.Jobs;
using Fleet.Gateway.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.Gateway.Api;

/// <summary>An endpoint's queue (API.md): <c>health</c> and <c>purge-queue</c>.</summary>
public static class QueueApi
{
    public static RouteGroupBuilder MapQueueApi(this RouteGroupBuilder v2)
    {
        v2.MapGet("/health", HealthAsync);
        v2.MapPost("/purge-queue", PurgeQueueAsync);
        return v2;
    }

    /// <summary>Job counts from the job table; worker counts from the <c>workers</c> table, the same on every gateway.</summary>
    private static async Task<Ok<EndpointHealth>> HealthAsync(
        JobEndpoint endpoint, JobQueries queries, WorkerStore workers, CancellationToken cancellationToken)
    {
        var counts = await queries.CountAsync(endpoint.Id, cancellationToken);
        var (idle, running) = await workers.CountAsync(endpoint.Id, cancellationToken);
        return TypedResults.Ok(new EndpointHealth(
            new EndpointHealth.JobFigures(counts.Completed, counts.Failed, counts.InProgress, counts.InQueue, counts.Retried),
            new EndpointHealth.WorkerFigures(idle, running)));
    }

    /// <summary>Cancels every queued job of the endpoint; running jobs go on.</summary>
    private static async Task<Ok<PurgeResult>> PurgeQueueAsync(JobEndpoint endpoint, JobTransitions transitions,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(new PurgeResult(await transitions.PurgeQueueAsync(endpoint.Id, cancellationToken), "completed"));
}
