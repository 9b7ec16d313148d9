using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Fleet.Autoscaler.Api;

/// <summary>
/// With <see cref="AutoscalerOptions.OperatorApiKey"/> set, a route needs <c>Authorization: Bearer {key}</c>
/// (401 otherwise). Compared by SHA-256 digest in constant time, so timing tells nothing of the key.
/// </summary>
public sealed class OperatorKeyFilter(IOptions<AutoscalerOptions> options) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    private readonly byte[]? _digest = options.Value.OperatorApiKey is { Length: > 0 } key ? Digest(key) : null;

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_digest is null)
        {
            return next(context);
        }

        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Digest(header[Scheme.Length..].Trim()), _digest))
        {
            return next(context);
        }

        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return ValueTask.FromResult<object?>(TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Operator key required",
            detail: "This autoscaler requires 'Authorization: Bearer <Autoscaler:OperatorApiKey>'."));
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
