using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Contracts.Functions;

namespace Fleet.Cli.Deploy;

/// <summary>
/// The gateway's deploy routes: <c>PUT /v1/packages/{sha256}</c> (the zip, streamed) and
/// <c>PUT /v1/endpoints/{name}</c> (<see cref="EndpointDeployment"/>), with an admin API key.
/// </summary>
public sealed class DeployClient : IDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>A client for <paramref name="gateway"/>; uploads may take long, so only the caller's token limits them.</summary>
    public DeployClient(Uri gateway, string apiKey)
    {
        _http.BaseAddress = new Uri(gateway.AbsoluteUri.TrimEnd('/') + "/");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Streams the package up; <paramref name="progress"/> hears of every block read from the file.</summary>
    public async Task<HttpStatusCode> UploadAsync(PackageFile package, Action<long> progress, CancellationToken cancellationToken)
    {
        await using var source = File.OpenRead(package.Path);
        await using var file = new ProgressStream(source, progress);
        using var content = new StreamContent(file, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue(FleetNames.PackageContentType);
        content.Headers.ContentLength = package.Size;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{FleetNames.PackagesRoute}/{package.Sha256}") { Content = content };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.OK or HttpStatusCode.Created => response.StatusCode,
            HttpStatusCode.RequestEntityTooLarge => throw new DeployException(
                $"The gateway refused the package ({package.Size / 1024.0 / 1024.0:0.0} MB) as too large (413): "
                + await ReadAsync(response, cancellationToken)),
            _ => throw await FailureAsync("Uploading the package", response, cancellationToken),
        };
    }

    /// <summary>Creates or updates one endpoint; the answer says which, or that nothing changed.</summary>
    public async Task<EndpointDeploymentResult> PutEndpointAsync(EndpointDeployment endpoint, CancellationToken cancellationToken)
    {
        var route = $"{FleetNames.EndpointsRoute}/{Uri.EscapeDataString(endpoint.Name)}";
        using var response = await _http.PutAsJsonAsync(route, endpoint, s_json, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync($"Endpoint {endpoint.Name}", response, cancellationToken);
        }

        var result = await response.Content.ReadFromJsonAsync<EndpointDeploymentResult>(s_json, cancellationToken);
        return result?.Result is DeploymentResults.Created or DeploymentResults.Updated or DeploymentResults.Unchanged
            ? result
            : throw new DeployException(
                $"Endpoint {endpoint.Name}: the gateway answered {(int)response.StatusCode} without a result "
                + "(created, updated or unchanged).");
    }

    private static async Task<DeployException> FailureAsync(
        string what, HttpResponseMessage response, CancellationToken cancellationToken) =>
        new(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? $"{what}: {(int)response.StatusCode}: deploying needs an admin API key (--api-key, FLEET_API_KEY)."
            : $"{what} failed: {(int)response.StatusCode} {response.ReasonPhrase}: {await ReadAsync(response, cancellationToken)}");

    private static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.Length > 2000 ? text[..2000] + "…" : text;
    }
}
