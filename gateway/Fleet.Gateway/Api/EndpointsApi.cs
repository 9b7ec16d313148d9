using Fleet.Contracts;
using Fleet.Gateway.Admission;
using Fleet.Gateway.Auth;
using Fleet.Gateway.Endpoints;
using Fleet.Gateway.FrontDoor;
using Fleet.Gateway.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.Gateway.Api;

/// <summary>
/// The management API for endpoints, after RunPod's REST API v1 (<c>/v1/endpoints</c>): create, list, read,
/// replace by name (idempotent: the same definition twice is <c>unchanged</c>), change some fields, delete.
/// Every route needs an admin API key (401 without a key, 403 with another).
/// </summary>
public static class EndpointsApi
{
    /// <summary>Largest body of a write: a definition with its manifest entry.</summary>
    public const int BodyLimit = 1024 * 1024;

    private const string IdValue = "id";

    public static WebApplication MapEndpointsApi(this WebApplication app)
    {
        var v1 = app.MapGroup("/" + FleetNames.EndpointsRoute).AddEndpointFilter<ApiKeyFilter>().WithMetadata(new AdminOnlyAttribute());
        v1.MapPost("", CreateAsync);
        v1.MapGet("", ListAsync);
        v1.MapGet($"/{{{IdValue}}}", GetAsync);
        v1.MapPut($"/{{{IdValue}}}", PutAsync);
        v1.MapPatch($"/{{{IdValue}}}", PatchAsync);
        v1.MapDelete($"/{{{IdValue}}}", DeleteAsync);
        v1.MapPost($"/{{{IdValue}}}/reset", ResetAsync);
        app.MapFallback("/v1/{**rest}", () => ApiProblems.NotFound(
            "No such route. The management API is under /v1/endpoints and /v1/packages."));
        return app;
    }

    private static async Task<Results<Created<EndpointAnswer>, ApiProblem>> CreateAsync(
        HttpContext http, BodyBudget budget, EndpointManagement management, CancellationToken cancellationToken)
    {
        var (request, problem) = await ReadAsync(http, budget, cancellationToken);
        if (request is null)
        {
            return problem!;
        }

        var (created, refused) = await management.CreateAsync(request, cancellationToken);
        return created is null
            ? refused!
            : TypedResults.Created($"/{FleetNames.EndpointsRoute}/{created.Definition.Id}", EndpointAnswer.Of(created));
    }

    private static async Task<Ok<List<EndpointAnswer>>> ListAsync(EndpointStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListAsync(cancellationToken)).Select(e => EndpointAnswer.Of(e)).ToList());

    private static async Task<Results<Ok<EndpointAnswer>, ApiProblem>> GetAsync(
        string id, EndpointStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } endpoint
            ? TypedResults.Ok(EndpointAnswer.Of(endpoint))
            : ApiProblems.NotFound($"There is no endpoint '{Shorten(id)}'.");

    private static Task<Results<Ok<EndpointAnswer>, ApiProblem>> PutAsync(
        string id, HttpContext http, BodyBudget budget, EndpointManagement management, CancellationToken cancellationToken) =>
        ChangeAsync(http, budget, request => management.PutAsync(id, request, cancellationToken), cancellationToken);

    private static Task<Results<Ok<EndpointAnswer>, ApiProblem>> PatchAsync(
        string id, HttpContext http, BodyBudget budget, EndpointManagement management, CancellationToken cancellationToken) =>
        ChangeAsync(http, budget, request => management.PatchAsync(id, request, cancellationToken), cancellationToken);

    /// <summary>A PUT or PATCH: the endpoint as it is after the change, with what the change did (<c>result</c>).</summary>
    private static async Task<Results<Ok<EndpointAnswer>, ApiProblem>> ChangeAsync(HttpContext http, BodyBudget budget,
        Func<EndpointRequest, Task<(EndpointWrite? Write, ApiProblem? Problem)>> change, CancellationToken cancellationToken)
    {
        var (request, problem) = await ReadAsync(http, budget, cancellationToken);
        if (request is null)
        {
            return problem!;
        }

        var (write, refused) = await change(request);
        return write is null ? refused! : TypedResults.Ok(EndpointAnswer.Of(write.Endpoint!, write.Result.ToString().ToLowerInvariant()));
    }

    private static async Task<Results<Ok<EndpointDeleted>, ApiProblem>> DeleteAsync(
        string id, HttpContext http, EndpointManagement management, CancellationToken cancellationToken)
    {
        if (QueryFlag(http, "force") is not { } force)
        {
            return ApiProblems.BadRequest("force", "must be true or false.");
        }

        var (cancelled, refused) = await management.DeleteAsync(id, force, cancellationToken);
        return refused ?? (Results<Ok<EndpointDeleted>, ApiProblem>)TypedResults.Ok(new EndpointDeleted(id, true, cancelled));
    }

    /// <summary>Forgets the endpoint's start failures: a failing endpoint takes jobs again and the autoscaler starts its workers.</summary>
    private static async Task<Results<Ok<EndpointAnswer>, ApiProblem>> ResetAsync(
        string id, EndpointStore store, CancellationToken cancellationToken) =>
        await store.ResetStartFailuresAsync(id, cancellationToken) && await store.GetAsync(id, cancellationToken) is { } endpoint
            ? TypedResults.Ok(EndpointAnswer.Of(endpoint))
            : ApiProblems.NotFound($"There is no endpoint '{Shorten(id)}'.");

    /// <summary>The body as a request, or the answer that refuses it (size, framing, JSON text, fields).</summary>
    private static async Task<(EndpointRequest? Request, ApiProblem? Problem)> ReadAsync(
        HttpContext http, BodyBudget budget, CancellationToken cancellationToken)
    {
        var (body, unread) = await RequestBody.ReadAsync(http, BodyLimit, budget, cancellationToken);
        if (body is null)
        {
            return (null, unread);
        }

        using (body)
        {
            if (JsonTextCheck.Find(body.Bytes.Span) is { } broken)
            {
                return (null, ApiProblems.BadRequest(broken.Field.Length == 0 ? "body" : broken.Field, broken.Problem));
            }

            var errors = new Dictionary<string, string[]>();
            var request = EndpointRequest.Parse(body.Bytes.Span, errors);
            return request is null ? (null, ApiProblems.BadRequest(errors)) : (request, null);
        }
    }

    /// <summary><c>?name=true|false</c>: false when absent, null when it is something else.</summary>
    private static bool? QueryFlag(HttpContext http, string name)
    {
        var values = http.Request.Query[name];
        return values.Count == 0 ? false : values.Count == 1 && bool.TryParse(values[0], out var flag) ? flag : null;
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
