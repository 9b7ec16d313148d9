using System.Net;
using System.Text.Json;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Messages;
using Fleet.IntegrationTests.Infrastructure;
using Fleet.ServiceDefaults;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>
/// The gateway's side of workers that cannot start: the autoscaler's signed reports go into the catalog; once it gives up,
/// the endpoint's queued jobs fail with the workers' error and submissions are refused, until a reset or a new worker version.
/// The reports are published on the real broker as the autoscaler publishes them.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class StartFailureTests(FleetFixture fleet)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_tripped_endpoint_fails_its_queued_jobs_with_the_workers_error_and_refuses_jobs_until_a_reset()
    {
        var (endpoint, workerVersion) = await CreateAsync();
        var queued = await fleet.SubmitAsync(endpoint, """{"input": {"echo": "waits"}}""");

        // Counted, not yet given up: jobs wait and are still taken.
        await PublishAsync(Report(endpoint, workerVersion, 1, "Unhandled exception. System.IO.FileNotFoundException: model.bin", false));
        var counted = await Eventually.Value(() => StartFailuresAsync(endpoint), f => f.ValueKind == JsonValueKind.Object, s_timeout,
            Nothing);
        Assert.Equal((1, false), (counted.GetProperty("count").GetInt32(), counted.GetProperty("tripped").GetBoolean()));
        // The queued job says why it waits (RunPod's would say nothing).
        var waiting = await Eventually.Value(() => fleet.StatusAsync(endpoint, queued), s => s.TryGetProperty("waitReason", out _),
            s_timeout, Nothing);
        Assert.Equal("IN_QUEUE", waiting.GetProperty("status").GetString());
        Assert.Equal("1 worker failed to start: Unhandled exception. System.IO.FileNotFoundException: model.bin",
            waiting.GetProperty("waitReason").GetString());

        await PublishAsync(Report(endpoint, workerVersion, 3, "Unhandled exception. System.IO.FileNotFoundException: model.bin", true));
        var failed = await fleet.WaitForStatusAsync(endpoint, queued, "FAILED", s_timeout);
        Assert.Equal(
            $"endpoint {endpoint} is failing: 3 workers failed to start: Unhandled exception. System.IO.FileNotFoundException: model.bin",
            failed.GetProperty("error").GetString());
        var refusal = await Eventually.Value(() => RunAsync(endpoint), r => r.Status == HttpStatusCode.ServiceUnavailable, s_timeout,
            Nothing);
        Assert.Contains("model.bin", refusal.Body);
        Assert.Contains($"/v1/endpoints/{endpoint}/reset", refusal.Body);
        Assert.True((await StartFailuresAsync(endpoint)).GetProperty("tripped").GetBoolean());

        using var reset = await fleet.Api.PostAsync($"v1/endpoints/{endpoint}/reset", null);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(await reset.Content.ReadAsStringAsync()).RootElement
            .GetProperty("startFailures").ValueKind);
        await Eventually.Value(() => RunAsync(endpoint), r => r.Status == HttpStatusCode.OK, s_timeout, Nothing);
        await fleet.Catalog.DeleteAsync(endpoint);
    }

    [Fact]
    public async Task A_new_worker_version_forgets_the_old_versions_failures_and_reports_about_an_old_version_are_ignored()
    {
        var (endpoint, oldVersion) = await CreateAsync();
        await PublishAsync(Report(endpoint, oldVersion, 3, "boom", true));
        await Eventually.Value(() => RunAsync(endpoint), r => r.Status == HttpStatusCode.ServiceUnavailable, s_timeout, Nothing);

        var (_, newVersion) = await fleet.Catalog.PutAsync(
            Definition(endpoint) with { Env = new Dictionary<string, string> { ["FIXED"] = "1" } });
        Assert.NotEqual(oldVersion, newVersion);
        await Eventually.Value(() => RunAsync(endpoint), r => r.Status == HttpStatusCode.OK, s_timeout, Nothing);
        Assert.Equal(JsonValueKind.Null, (await StartFailuresAsync(endpoint)).ValueKind);

        // A late report about the old version changes nothing; one about the new version counts.
        await PublishAsync(Report(endpoint, oldVersion, 4, "old boom", true));
        await PublishAsync(Report(endpoint, newVersion, 1, "new trouble", false));
        var counted = await Eventually.Value(() => StartFailuresAsync(endpoint), f => f.ValueKind == JsonValueKind.Object, s_timeout,
            Nothing);
        Assert.Equal((1, "new trouble"), (counted.GetProperty("count").GetInt32(), counted.GetProperty("lastError").GetString()));
        await fleet.Catalog.DeleteAsync(endpoint);
    }

    [Fact]
    public async Task A_forged_or_stale_report_changes_nothing_and_a_ready_worker_clears_the_count()
    {
        var (endpoint, version) = await CreateAsync();
        var forged = Report(endpoint, version, 3, "forged", true);
        await PublishAsync(forged with { Signature = StartFailureSignature.Signed(forged, "not-the-workers-key").Signature });
        await PublishAsync(StartFailureSignature.Signed(
            new WorkerStartsFailed(endpoint, version, 3, "stale", true, DateTimeOffset.UtcNow.AddMinutes(-10)), fleet.WorkerKey));
        // A genuine report after them, so that the two before it have been consumed once it shows.
        await PublishAsync(Report(endpoint, version, 2, "genuine", false));
        var counted = await Eventually.Value(() => StartFailuresAsync(endpoint), f => f.ValueKind == JsonValueKind.Object, s_timeout,
            Nothing);
        Assert.Equal((2, "genuine", false), (counted.GetProperty("count").GetInt32(), counted.GetProperty("lastError").GetString(),
            counted.GetProperty("tripped").GetBoolean()));
        Assert.Equal(HttpStatusCode.OK, (await RunAsync(endpoint)).Status);

        await PublishAsync(Report(endpoint, version, 0, "", false));
        await Eventually.Value(() => StartFailuresAsync(endpoint), f => f.ValueKind == JsonValueKind.Null, s_timeout, Nothing);
        await fleet.Catalog.DeleteAsync(endpoint);
    }

    [Fact]
    public async Task Resetting_an_endpoint_that_does_not_exist_is_a_404()
    {
        using var response = await fleet.Api.PostAsync("v1/endpoints/no-such-endpoint-here/reset", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static string Nothing() => "";

    private static EndpointDefinition Definition(string id) => new() { Id = id, Handler = "echo", WorkersMin = 0, WorkersMax = 1 };

    /// <summary>An endpoint no worker serves, so its jobs stay queued.</summary>
    private async Task<(string Id, int WorkerVersion)> CreateAsync()
    {
        var id = "startfail-" + Guid.NewGuid().ToString("N")[..8];
        var (_, workerVersion) = await fleet.Catalog.PutAsync(Definition(id));
        return (id, workerVersion);
    }

    private WorkerStartsFailed Report(string endpoint, int workerVersion, int failures, string error, bool tripped) =>
        StartFailureSignature.Signed(new WorkerStartsFailed(endpoint, workerVersion, failures, error, tripped, DateTimeOffset.UtcNow),
            fleet.WorkerKey);

    private async Task PublishAsync(WorkerStartsFailed report)
    {
        using var management = fleet.AdminManagementClient();
        await BrokerPublish.PublishAsync(management, fleet.VirtualHost, nameof(WorkerStartsFailed), report);
    }

    private async Task<JsonElement> StartFailuresAsync(string endpoint)
    {
        using var response = await fleet.Api.GetAsync($"v1/endpoints/{endpoint}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("startFailures").Clone();
    }

    private async Task<(HttpStatusCode Status, string Body)> RunAsync(string endpoint)
    {
        using var response = await fleet.Api.PostAsync($"v2/{endpoint}/run",
            new StringContent("""{"input": {"echo": "x"}}""", System.Text.Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
