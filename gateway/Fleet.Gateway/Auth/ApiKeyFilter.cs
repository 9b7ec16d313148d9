using Fleet.Contracts;
using Fleet.Gateway.Api;

namespace Fleet.Gateway.Auth;

/// <summary>Refuses every <c>/v2</c> call without a valid API key (401).</summary>
public sealed class ApiKeyFilter(ApiKeyVerifier verifier) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        verifier.IsValid(context.HttpContext.Request.Headers[FleetNames.ApiKeyHeader])
            ? next(context)
            : ValueTask.FromResult<object?>(ApiProblems.Unauthorized());
}
