using Fleet.Gateway.Auth;
using Fleet.Gateway.Persistence;
using Fleet.Gateway.Workers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Gateway.Api;

/// <summary>Routes for operators and orchestrators, outside the RunPod-compatible <c>/v2</c> space.</summary>
public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", HealthzAsync);
        app.MapGroup("/admin").AddEndpointFilter<ApiKeyFilter>().MapGet("/workers", WorkersAsync);
        return app;
    }

    /// <summary>Liveness for container orchestrators: the process serves and the database answers.</summary>
    private static async Task<Results<Ok<ServiceStatus>, JsonHttpResult<ServiceStatus>>> HealthzAsync(
        IDbContextFactory<FleetDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? TypedResults.Ok(new ServiceStatus("ok"))
            : TypedResults.Json(new ServiceStatus("database unreachable"), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>The live workers (the <c>workers</c> table), as far as the calling key may see them.</summary>
    private static async Task<Ok<IReadOnlyList<LiveWorker>>> WorkersAsync(HttpContext http, WorkerListing workers,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await workers.ForAsync(ApiKeyFilter.GrantOf(http)!, cancellationToken));
}
