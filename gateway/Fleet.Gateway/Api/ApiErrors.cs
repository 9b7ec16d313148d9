using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;

namespace Fleet.Gateway.Api;

/// <summary>
/// Errors under <c>/v2</c> are JSON problem documents whatever produced them: a dependency that is
/// down is a 503 with Retry-After; routing's own empty 404/405 answers get a body too.
/// </summary>
public static class ApiErrors
{
    private static readonly TimeSpan s_retryAfter = TimeSpan.FromSeconds(2);

    public static WebApplication UseApiErrors(this WebApplication app)
    {
        // API.md: routes match with no trailing slash. Routing alone would also match '/run/'.
        app.Use((context, next) =>
        {
            var path = context.Request.Path.Value;
            if (path is { Length: > 1 } && path.EndsWith('/') && context.Request.Path.StartsWithSegments("/v2"))
            {
                return ApiProblems.NotFound("Routes under /v2 have no trailing slash.").ExecuteAsync(context);
            }

            return next(context);
        });

        app.UseExceptionHandler(error => error.Run(async context =>
        {
            var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var unavailable = exception is DbException or TimeoutException or OperationCanceledException
                || exception?.InnerException is DbException or TimeoutException;
            var problem = unavailable
                ? ApiProblems.Unavailable(
                    "A dependency is unavailable.", "The job store is unreachable; retry later. Nothing was changed.", s_retryAfter)
                : ApiProblems.Problem(StatusCodes.Status500InternalServerError, "Internal error.", "An unexpected error occurred.");
            await problem.ExecuteAsync(context);
        }));

        // Kestrel's verdict on a broken request (bad framing, a body that stopped arriving, a body
        // past its limit) read anywhere is the client's error: its own status, no stack trace.
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await ApiProblems.UnreadableBody(e.StatusCode, e.Message).ExecuteAsync(context);
            }
        });

        app.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            if (context.HttpContext.Request.Path.StartsWithSegments("/v2") && !response.HasStarted)
            {
                var request = context.HttpContext.Request;
                await ApiProblems.Problem(response.StatusCode, "The request cannot be served.",
                    $"HTTP {response.StatusCode} for {request.Method} {request.Path}.")
                    .ExecuteAsync(context.HttpContext);
            }
        });
        return app;
    }
}
