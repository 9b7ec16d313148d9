using Fleet.Gateway.Auth;

namespace Fleet.Gateway.Api;

/// <summary>
/// The RunPod-shaped space <c>/v2/{endpointId}/…</c> (API.md): every route needs an API key allowed on the
/// endpoint (<see cref="ApiKeyFilter"/>: 401, 403, 429) and names a known endpoint (<see cref="KnownEndpointFilter"/>:
/// 404), checked once here for all of them. Anything else under <c>/v2</c> is a JSON 404 too, so RunPod
/// clients can always parse the body.
/// </summary>
public static class V2Routes
{
    public static RouteGroupBuilder MapV2Routes(this IEndpointRouteBuilder app)
    {
        app.MapFallback("/v2/{**rest}", () => ApiProblems.NotFound("No such route. See API.md for the routes under /v2/{endpointId}."));
        return app.MapGroup($"/v2/{{{JobEndpoint.RouteValue}}}")
            .AddEndpointFilter<ApiKeyFilter>()
            .AddEndpointFilter<KnownEndpointFilter>();
    }
}
