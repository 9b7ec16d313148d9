using Fleet.Contracts;
using Fleet.Gateway.Api;
using Fleet.Gateway.FrontDoor;

namespace Fleet.Gateway.Auth;

/// <summary>Refuses every <c>/v2</c> call without a valid API key (401), and notes which key it was.</summary>
public sealed class ApiKeyFilter(ApiKeyVerifier verifier, KeyRateLimiter rateLimiter) : IEndpointFilter
{
    private const string CallerItem = "fleet.api-key-id";

    /// <summary>The id of the API key that authenticated this request (see <see cref="ApiKeyVerifier.TryVerify"/>).</summary>
    public static string CallerOf(HttpContext context) => context.Items[CallerItem] as string ?? "";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!verifier.TryVerify(context.HttpContext.Request.Headers[FleetNames.ApiKeyHeader], out var keyId))
        {
            return ValueTask.FromResult<object?>(ApiProblems.Unauthorized());
        }

        if (!rateLimiter.TryAcquire(keyId, out var retryAfter))
        {
            return ValueTask.FromResult<object?>(ApiProblems.TooManyRequests(
                "This API key sent more requests than its rate limit allows.", retryAfter, context.HttpContext));
        }

        context.HttpContext.Items[CallerItem] = keyId;
        return next(context);
    }
}
