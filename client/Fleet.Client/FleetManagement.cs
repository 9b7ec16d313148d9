using System.Text.Json;
using Fleet.Client.Http;

namespace Fleet.Client;

/// <summary>
/// The gateway's management API (<c>/v1/endpoints</c>, admin API keys only): create, read, change and delete
/// endpoints while the fleet runs. Definitions and answers are the JSON documents the README's "Endpoints: the
/// management API" describes (RunPod's field names: <c>name</c>, <c>computeType</c>, <c>workersMax</c>, …);
/// a refusal throws <see cref="FleetApiException"/> naming the fields at fault.
/// </summary>
/// <example>
/// <code>
/// var answer = await fleet.Management.PutEndpointAsync("greeter",
///     JsonSerializer.SerializeToElement(new { handler = "echo", workersMax = 2 }));
/// Console.WriteLine(answer.GetProperty("result")); // created, updated or unchanged
/// </code>
/// </example>
public sealed class FleetManagement
{
    private readonly FleetHttp _http;

    internal FleetManagement(FleetHttp http) => _http = http;

    /// <summary>Every endpoint, by name.</summary>
    public async Task<IReadOnlyList<JsonElement>> ListEndpointsAsync(CancellationToken cancellationToken = default)
    {
        using var answer = await _http.ManageAsync(HttpMethod.Get, "endpoints", null, cancellationToken);
        return [.. answer.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>One endpoint; a <see cref="FleetApiException"/> with 404 if there is none.</summary>
    public Task<JsonElement> GetEndpointAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, Route(name), null, cancellationToken);

    /// <summary>Creates the endpoint <paramref name="definition"/> names (<c>name</c>); 409 if it exists.</summary>
    public Task<JsonElement> CreateEndpointAsync(JsonElement definition, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "endpoints", definition, cancellationToken);

    /// <summary>
    /// Creates or replaces the endpoint (a field not given takes its default). Idempotent: the answer's
    /// <c>result</c> is <c>created</c>, <c>updated</c> or <c>unchanged</c>.
    /// </summary>
    public Task<JsonElement> PutEndpointAsync(string name, JsonElement definition, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, Route(name), definition, cancellationToken);

    /// <summary>Changes the fields <paramref name="changes"/> gives and keeps the rest.</summary>
    public Task<JsonElement> PatchEndpointAsync(string name, JsonElement changes, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, Route(name), changes, cancellationToken);

    /// <summary>
    /// Deletes the endpoint; with <paramref name="force"/> even while it has queued or running jobs, which are
    /// cancelled (409 without it). Returns how many jobs were cancelled.
    /// </summary>
    public async Task<int> DeleteEndpointAsync(string name, bool force = false, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(HttpMethod.Delete, Route(name) + (force ? "?force=true" : ""), null, cancellationToken);
        return answer.GetProperty("cancelledJobs").GetInt32();
    }

    /// <summary>
    /// Forgets the endpoint's start failures (<c>POST /v1/endpoints/{name}/reset</c>): a failing endpoint takes jobs again
    /// and the autoscaler starts its workers. Returns the endpoint as the gateway answers it.
    /// </summary>
    public Task<JsonElement> ResetEndpointAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Route(name) + "/reset", null, cancellationToken);

    private static string Route(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return "endpoints/" + Uri.EscapeDataString(name);
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string route, JsonElement? body, CancellationToken cancellationToken)
    {
        using var answer = await _http.ManageAsync(method, route, body, cancellationToken);
        return answer.RootElement.Clone();
    }
}
