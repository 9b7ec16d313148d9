namespace Fleet.Gateway.Api;

/// <summary>
/// 404 for a route under <c>/v2/{endpointId}</c> that names no endpoint: the one place that check is made.
/// Runs after parameter binding, where <see cref="JobEndpoint.BindAsync"/> found none.
/// </summary>
public sealed class KnownEndpointFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.Arguments.OfType<JobEndpoint>().Any()
            ? next(context)
            : ValueTask.FromResult<object?>(ApiProblems.NotFound(
                $"There is no endpoint '{context.HttpContext.Request.RouteValues[JobEndpoint.RouteValue]}'."));
}
