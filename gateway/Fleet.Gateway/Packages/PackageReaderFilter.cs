using Fleet.Contracts;
using Fleet.Gateway.Api;
using Fleet.Gateway.Auth;
using Fleet.Gateway.Reports;
using Fleet.Contracts.Functions;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Packages;

/// <summary>
/// Who may download a package: a worker host with the package's signature under the workers' key
/// (<see cref="PackageSignature"/>), or an admin API key. Anyone else gets 401 (nothing valid sent) or 403.
/// </summary>
public sealed class PackageReaderFilter(ApiKeyVerifier verifier, IOptions<ReportOptions> reports) : IEndpointFilter
{
    public const string RouteValue = "sha256";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var sha256 = http.Request.RouteValues[RouteValue] as string ?? "";
        if (PackageSignature.IsValid(sha256, http.Request.Headers[PackageSignature.Header].FirstOrDefault(), reports.Value.WorkerKey))
        {
            return next(context);
        }

        if (!verifier.TryVerify(http.Request.Headers[FleetNames.ApiKeyHeader], out var grant))
        {
            return ValueTask.FromResult<object?>(ApiProblems.Unauthorized());
        }

        return grant.Admin
            ? next(context)
            : ValueTask.FromResult<object?>(ApiProblems.Forbidden(
                "Reading packages needs an admin API key or a worker's package signature."));
    }
}
