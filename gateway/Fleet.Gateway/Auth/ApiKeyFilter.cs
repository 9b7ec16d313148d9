using Fleet.Contracts;
using Fleet.Gateway.Api;
using Fleet.Gateway.FrontDoor;

namespace Fleet.Gateway.Auth;

/// <summary>
/// Every <c>/v2</c> call needs a valid API key (401), one allowed on this endpoint and, for anything
/// but a read, one that is not read-only (403); a <c>/v1</c> call (<see cref="AdminOnlyAttribute"/>) an admin
/// key (403). Then the key's rate limit applies (429).
/// </summary>
public sealed class ApiKeyFilter(ApiKeyVerifier verifier, KeyRateLimiter rateLimiter) : IEndpointFilter
{
    private const string GrantItem = "fleet.api-key-grant";

    /// <summary>The id of the API key that authenticated this request (a digest prefix, never the key).</summary>
    public static string CallerOf(HttpContext context) => GrantOf(context)?.KeyId ?? "";

    /// <summary>What the API key that authenticated this request may do; null on a route without the filter.</summary>
    public static ApiKeyGrant? GrantOf(HttpContext context) => context.Items[GrantItem] as ApiKeyGrant;

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!verifier.TryVerify(http.Request.Headers[FleetNames.ApiKeyHeader], out var grant))
        {
            return ValueTask.FromResult<object?>(ApiProblems.Unauthorized());
        }

        if (!grant.Admin && http.GetEndpoint()?.Metadata.GetMetadata<AdminOnlyAttribute>() is not null)
        {
            return ValueTask.FromResult<object?>(ApiProblems.Forbidden(
                "Managing endpoints needs an admin API key (Fleet.Gateway keys create --admin)."));
        }

        if (http.Request.RouteValues.TryGetValue("endpointId", out var endpoint) && !grant.MayUse(endpoint as string ?? ""))
        {
            return ValueTask.FromResult<object?>(ApiProblems.Forbidden($"This API key may not use endpoint '{endpoint}'."));
        }

        if (grant.ReadOnly && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
            && http.GetEndpoint()?.Metadata.GetMetadata<AllowReadOnlyKeysAttribute>() is null)
        {
            return ValueTask.FromResult<object?>(ApiProblems.Forbidden(
                "This API key is read-only: it may read statuses, not submit or change jobs."));
        }

        if (!rateLimiter.TryAcquire(grant.KeyId, out var retryAfter))
        {
            return ValueTask.FromResult<object?>(ApiProblems.TooManyRequests(
                "This API key sent more requests than its rate limit allows.", retryAfter));
        }

        http.Items[GrantItem] = grant;
        return next(context);
    }
}
