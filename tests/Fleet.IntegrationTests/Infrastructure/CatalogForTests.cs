using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Functions;

namespace Fleet.IntegrationTests.Infrastructure;

/// <summary>
/// The one place the tests change the endpoint catalog, through the gateway's management API (<c>/v1/endpoints</c>,
/// with the fixture's bootstrap key, which is an admin key): a definition as the API's body, the versions back.
/// </summary>
public sealed class CatalogForTests(HttpClient api)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The endpoints of an endpoints file (<c>{"Fleet": {"Endpoints": [...]}}</c>).</summary>
    public static IReadOnlyList<EndpointDefinition> ReadFile(string path) =>
        JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("Fleet").GetProperty("Endpoints")
            .Deserialize<List<EndpointDefinition>>(s_json)!;

    /// <summary>Creates or replaces the endpoint (PUT); returns its version and worker version after the change.</summary>
    public async Task<(int Version, int WorkerVersion)> PutAsync(EndpointDefinition e)
    {
        var body = new Dictionary<string, object?>
        {
            ["handler"] = e.Handler,
            ["computeType"] = ComputeTypes.Of(e.Hardware),
            ["workersMin"] = e.WorkersMin,
            ["workersMax"] = e.WorkersMax,
            ["idleTimeout"] = e.IdleTimeoutSeconds,
            ["scalerType"] = e.ScalerType,
            ["scalerValue"] = e.ScalerValue,
            ["executionTimeoutMs"] = e.ExecutionTimeoutMs,
            ["maxAttempts"] = e.MaxAttempts,
            ["minGpuMemoryMb"] = e.MinGpuMemoryMb,
            ["cpuFallback"] = e.CpuFallback,
            ["concurrencyPerWorker"] = e.ConcurrencyPerWorker,
            ["env"] = e.Env,
            ["package"] = e.Package,
        };
        using var response = await api.PutAsJsonAsync($"v1/endpoints/{e.Id}", body);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT v1/endpoints/{e.Id}: {(int)response.StatusCode} {answer}");
        var document = JsonDocument.Parse(answer).RootElement;
        return (document.GetProperty("version").GetInt32(), document.GetProperty("workerVersion").GetInt32());
    }

    /// <summary>Deletes the endpoint, cancelling any job it still has.</summary>
    public async Task DeleteAsync(string id)
    {
        using var response = await api.DeleteAsync($"v1/endpoints/{id}?force=true");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"DELETE v1/endpoints/{id}: {(int)response.StatusCode}");
    }
}
