using Fleet.Gateway.Persistence;
using Fleet.Gateway.Workers;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Gateway.Api;

/// <summary>Routes for operators and orchestrators, outside the RunPod-compatible <c>/v2</c> space.</summary>
public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        // Liveness for container orchestrators: the process serves and the database answers.
        app.MapGet("/healthz", async (IDbContextFactory<FleetDbContext> contexts, CancellationToken cancellationToken) =>
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            return await db.Database.CanConnectAsync(cancellationToken)
                ? Results.Ok(new { status = "ok" })
                : Results.Json(new { status = "database unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        });

        var admin = app.MapGroup("/admin").AddEndpointFilter<Auth.ApiKeyFilter>();
        admin.MapGet("/workers", async (HttpContext http, WorkerListing workers, CancellationToken cancellationToken) =>
            Results.Ok(await workers.ForAsync(Auth.ApiKeyFilter.GrantOf(http)!, cancellationToken)));
        return app;
    }
}
