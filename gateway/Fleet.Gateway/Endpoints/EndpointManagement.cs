using Fleet.Catalog;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Functions;
using Fleet.Gateway.Admission;
using Fleet.Gateway.Api;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Storage;
using Fleet.ServiceDefaults;

namespace Fleet.Gateway.Endpoints;

/// <summary>
/// Changes to the endpoint catalog, for the management API and the seeding at start: validates a definition
/// as a whole (<see cref="EndpointRules"/>, plus what only the gateway knows: which handlers Fleet's worker
/// programs have), writes it (<see cref="EndpointStore"/>), and reloads this gateway's catalog before
/// answering, so the caller's next job on this gateway already sees the change (other processes see it
/// through their watch). Deleting an endpoint cancels its jobs the usual way.
/// </summary>
public sealed class EndpointManagement(
    EndpointStore store, PackageStore packages, CatalogWatch watch, HandlerInputCatalog handlers, JobTransitions transitions,
    ILogger<EndpointManagement> log)
{
    /// <summary>Creates the endpoint the request names; 409 if the name is taken.</summary>
    public async Task<(StoredEndpoint? Created, ApiProblem? Problem)> CreateAsync(
        EndpointRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Name))
        {
            return (null, ApiProblems.BadRequest("name", "is required: the endpoint's id, as in /v2/{name}/run."));
        }

        var (write, problem) = await WriteAsync(request, Fresh(request.Name), onlyCreate: true, expectedVersion: null, cancellationToken);
        return write?.Result == EndpointWriteResult.Exists
            ? (null, ApiProblems.Problem(StatusCodes.Status409Conflict, "The endpoint exists.",
                $"An endpoint named '{request.Name}' exists; change it with PUT or PATCH /v1/endpoints/{request.Name}."))
            : (write?.Endpoint, problem);
    }

    /// <summary>Creates or replaces the endpoint <paramref name="id"/> (a field not given takes its default); unchanged if equal.</summary>
    public async Task<(EndpointWrite? Write, ApiProblem? Problem)> PutAsync(
        string id, EndpointRequest request, CancellationToken cancellationToken)
    {
        if (request.Name is not null && request.Name != id)
        {
            return (null, ApiProblems.BadRequest("name", $"must be the endpoint's id from the path ('{Shorten(id)}') when given."));
        }

        return await WriteAsync(request, Fresh(id), onlyCreate: false, expectedVersion: null, cancellationToken);
    }

    /// <summary>Changes the fields the request gives; 404 if there is no such endpoint, 409 if it changed meanwhile.</summary>
    public async Task<(EndpointWrite? Write, ApiProblem? Problem)> PatchAsync(
        string id, EndpointRequest request, CancellationToken cancellationToken)
    {
        if (request.Name is not null && request.Name != id)
        {
            return (null, ApiProblems.BadRequest("name",
                "an endpoint cannot be renamed: create one under the new name and delete this one."));
        }

        if (await store.GetAsync(id, cancellationToken) is not { } current)
        {
            return (null, NotFound(id));
        }

        var (write, problem) = await WriteAsync(request, current.Definition, onlyCreate: false, current.Version, cancellationToken);
        return write?.Result switch
        {
            EndpointWriteResult.NotFound => (null, NotFound(id)),
            EndpointWriteResult.Conflict => (null, ApiProblems.Problem(StatusCodes.Status409Conflict, "The endpoint changed meanwhile.",
                $"Endpoint '{id}' was changed by another request while this one was applied; read it again and retry.")),
            _ => (write, problem),
        };
    }

    /// <summary>
    /// Deletes the endpoint; 409 while it has queued or running jobs, unless <paramref name="force"/>, which
    /// cancels them (their webhooks fire, running ones are stopped on their workers).
    /// </summary>
    public async Task<(int CancelledJobs, ApiProblem? Problem)> DeleteAsync(string id, bool force, CancellationToken cancellationToken)
    {
        var (result, live) = await store.DeleteAsync(id, force, cancellationToken);
        switch (result)
        {
            case EndpointWriteResult.NotFound:
                return (0, NotFound(id));
            case EndpointWriteResult.Conflict:
                return (0, ApiProblems.Problem(StatusCodes.Status409Conflict, "The endpoint has jobs.",
                    $"Endpoint '{id}' has {live} queued or running jobs: let them end, or delete with ?force=true to cancel them."));
        }

        await watch.LoadAsync(cancellationToken);
        var cancelled = live > 0 ? await transitions.CancelAllOfAsync(id, DeletedReason(id), cancellationToken) : 0;
        log.LogInformation("Endpoint {Endpoint} deleted; {Cancelled} of its jobs cancelled", id, cancelled);
        return (cancelled, null);
    }

    /// <summary>The error of a job whose endpoint was deleted.</summary>
    public static string DeletedReason(string id) => $"cancelled: endpoint '{id}' was deleted";

    /// <summary>
    /// Creates or updates each endpoint the endpoints file names (nothing else is deleted), then loads the
    /// catalog from the table. A file entry the rules refuse stops the start, naming it.
    /// </summary>
    public async Task SeedAsync(IReadOnlyList<EndpointDefinition> configured, CancellationToken cancellationToken)
    {
        foreach (var definition in configured)
        {
            var write = await store.PutAsync(definition, manifest: null, onlyCreate: false, expectedVersion: null, cancellationToken);
            if (write.Result != EndpointWriteResult.Unchanged)
            {
                log.LogInformation("Endpoint {Endpoint} {Result} from the endpoints file (version {Version})", definition.Id,
                    write.Result.ToString().ToLowerInvariant(), write.Endpoint!.Version);
            }
        }

        await watch.LoadAsync(cancellationToken);
    }

    private async Task<(EndpointWrite? Write, ApiProblem? Problem)> WriteAsync(
        EndpointRequest request, EndpointDefinition basis, bool onlyCreate, int? expectedVersion, CancellationToken cancellationToken)
    {
        var definition = request.ApplyTo(basis);
        var errors = await ProblemsAsync(definition, request, cancellationToken);
        if (errors.Count > 0)
        {
            return (null, ApiProblems.BadRequest(errors));
        }

        var manifest = request.Manifest.Given ? request.Manifest.Json : null;
        var write = await store.PutAsync(definition, manifest, onlyCreate, expectedVersion, cancellationToken);
        if (write.Result is EndpointWriteResult.Created or EndpointWriteResult.Updated)
        {
            await watch.LoadAsync(cancellationToken);
            log.LogInformation("Endpoint {Endpoint} {Result} (version {Version}, worker version {WorkerVersion})", definition.Id,
                write.Result.ToString().ToLowerInvariant(), write.Endpoint!.Version, write.Endpoint.Definition.Version);
        }

        return (write, null);
    }

    private async Task<Dictionary<string, string[]>> ProblemsAsync(
        EndpointDefinition definition, EndpointRequest request, CancellationToken cancellationToken)
    {
        var errors = EndpointRules.Check(definition)
            .GroupBy(p => p.Field)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Problem).ToArray());
        if (request.GpuCount is { } gpus && gpus != (definition.Hardware == Contracts.Hardware.Gpu ? 1 : 0))
        {
            errors["gpuCount"] = ["a Fleet worker uses one GPU: 1 for a GPU endpoint, 0 for a CPU one."];
        }

        if (definition.Package is { } package && !errors.ContainsKey("package")
            && await packages.FindAsync(package, cancellationToken) is null)
        {
            errors["package"] = [$"Fleet has no package '{package}': upload it first (PUT /v1/packages/{{sha256}})."];
        }
        else if (definition.Package is null && !errors.ContainsKey("handler")
            && !handlers.IsBuiltIn(definition.Handler, definition.Hardware))
        {
            var builtIn = string.Join(", ", handlers.BuiltIn.OrderBy(h => h.Handler)
                .Select(h => $"{h.Handler} ({ComputeTypes.Of(h.Hardware)})"));
            errors["handler"] = [$"'{definition.Handler}' is not a handler of Fleet's {ComputeTypes.Of(definition.Hardware)} worker "
                + $"(built in: {builtIn}); a function of your own comes with its package."];
        }

        return errors;
    }

    /// <summary>A new endpoint's starting point: every field at its default.</summary>
    private static EndpointDefinition Fresh(string id) => new() { Id = id };

    private static ApiProblem NotFound(string id) => ApiProblems.NotFound($"There is no endpoint '{Shorten(id)}'.");

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
