using System.Buffers;
using Fleet.Contracts;
using Fleet.Gateway.Admission;
using Fleet.Gateway.Auth;
using Fleet.Gateway.Packages;
using Fleet.Gateway.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Api;

/// <summary>
/// Deployed packages (<c>/v1/packages</c>), named by the sha256 of their bytes: <c>fleet deploy</c> uploads one
/// (admin keys), worker hosts download it (a worker's package signature, or an admin key). An upload is streamed
/// into the database a chunk at a time, checked against its name and the size limit as it goes.
/// </summary>
public static class PackagesApi
{
    private static readonly SearchValues<char> s_hex = SearchValues.Create("0123456789abcdef");

    public static WebApplication MapPackagesApi(this WebApplication app)
    {
        var route = $"/{FleetNames.PackagesRoute}/{{{PackageReaderFilter.RouteValue}}}";
        var admin = app.MapGroup("").AddEndpointFilter<ApiKeyFilter>().WithMetadata(new AdminOnlyAttribute());
        admin.MapPut(route, UploadAsync);
        admin.MapGet($"/{FleetNames.PackagesRoute}", ListAsync);
        admin.MapDelete(route, DeleteAsync);
        app.MapMethods(route, [HttpMethods.Get, HttpMethods.Head], DownloadAsync).AddEndpointFilter<PackageReaderFilter>();
        return app;
    }

    /// <summary>Whether <paramref name="sha256"/> is a package's name: 64 lowercase hex digits.</summary>
    public static bool IsName(string sha256) => sha256.Length == 64 && !sha256.AsSpan().ContainsAnyExcept(s_hex);

    private static async Task<Results<Ok<PackageAnswer>, Created<PackageAnswer>, ApiProblem>> UploadAsync(
        string sha256, HttpContext http, PackageStore store, IOptions<PackageOptions> options, CancellationToken cancellationToken)
    {
        if (!IsName(sha256))
        {
            return ApiProblems.BadRequest("sha256", "must be the package's sha256: 64 lowercase hex digits.");
        }

        var limit = options.Value.MaxBytes;
        if (http.Request.ContentLength > limit)
        {
            return ApiProblems.TooLarge(limit);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        try
        {
            var (result, actual) = await store.UploadAsync(sha256, http.Request.Body, limit, cancellationToken);
            return result switch
            {
                PackageUpload.TooLarge => ApiProblems.TooLarge(limit),
                PackageUpload.Mismatch => ApiProblems.BadRequest("sha256",
                    $"the body's sha256 is {actual}, not the {sha256} it was sent under: nothing was stored."),
                _ => await AnswerAsync(store, sha256, result, cancellationToken),
            };
        }
        catch (Exception e) when (RequestBody.ReadProblem(e, limit) is { } problem)
        {
            return problem;
        }
    }

    private static async Task<Results<Ok<PackageAnswer>, Created<PackageAnswer>, ApiProblem>> AnswerAsync(
        PackageStore store, string sha256, PackageUpload result, CancellationToken cancellationToken)
    {
        var package = PackageAnswer.Of((await store.FindAsync(sha256, cancellationToken))!);
        return result == PackageUpload.Stored
            ? TypedResults.Created($"/{FleetNames.PackagesRoute}/{sha256}", package with { Result = "created" })
            : TypedResults.Ok(package with { Result = "unchanged" });
    }

    private static async Task<Ok<List<PackageAnswer>>> ListAsync(PackageStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListAsync(cancellationToken)).Select(PackageAnswer.Of).ToList());

    /// <summary>The package's bytes as <c>application/zip</c>, streamed; HEAD answers whether it is there and its size.</summary>
    private static async Task<IResult> DownloadAsync(
        string sha256, HttpContext http, PackageStore store, CancellationToken cancellationToken)
    {
        if (!IsName(sha256) || await store.FindAsync(sha256, cancellationToken) is not { } package)
        {
            return ApiProblems.NotFound($"There is no package '{(sha256.Length > 64 ? sha256[..64] + "…" : sha256)}'.");
        }

        http.Response.ContentType = FleetNames.PackageContentType;
        http.Response.ContentLength = package.Size;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await store.CopyToAsync(sha256, http.Response.Body, cancellationToken);
        }

        return Results.Empty;
    }

    private static async Task<Results<Ok<PackageDeleted>, ApiProblem>> DeleteAsync(
        string sha256, PackageStore store, CancellationToken cancellationToken)
    {
        if (!IsName(sha256) || await store.FindAsync(sha256, cancellationToken) is null)
        {
            return ApiProblems.NotFound($"There is no package '{(sha256.Length > 64 ? sha256[..64] + "…" : sha256)}'.");
        }

        return await store.DeleteUnusedAsync(sha256, cancellationToken)
            ? TypedResults.Ok(new PackageDeleted(sha256, true))
            : ApiProblems.Problem(StatusCodes.Status409Conflict, "The package is in use.",
                "An endpoint runs this package: point it at another package, or delete it, first.");
    }
}
