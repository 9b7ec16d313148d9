using System.Net;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>Keys made with the command-line tool: stored hashed, limited to endpoints or to reading, revocable.</summary>
[Collection(FleetCollection.Name)]
public sealed class ApiKeyTests(FleetFixture fleet)
{
    /// <summary>The gateway reloads keys every two seconds.</summary>
    private static async Task<HttpStatusCode> EventuallyAnsweredAsync(Func<Task<HttpStatusCode>> call, HttpStatusCode expected)
    {
        var code = HttpStatusCode.InternalServerError;
        await Eventually.True(async () => (code = await call()) == expected, TimeSpan.FromSeconds(15), () => $"last answer {code}");
        return code;
    }

    private static async Task<HttpStatusCode> RunAsync(HttpClient client, string endpoint = "echo")
    {
        using var response = await client.PostAsync($"v2/{endpoint}/run", FleetFixture.Json("""{"input": {"echo": "key test"}}"""));
        return response.StatusCode;
    }

    [Fact]
    public async Task A_created_key_works_and_is_listed_without_its_secret()
    {
        var (id, key) = await fleet.CreateKeyAsync();
        using var client = fleet.ClientFor(key);

        await EventuallyAnsweredAsync(() => RunAsync(client), HttpStatusCode.OK);
        var list = await fleet.KeysAsync("list");
        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);
        Assert.Contains(key[..12], list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_only_key_can_read_but_not_run()
    {
        var (_, key) = await fleet.CreateKeyAsync("--read-only");
        using var client = fleet.ClientFor(key);

        await EventuallyAnsweredAsync(async () => (await client.GetAsync("v2/echo/health")).StatusCode, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, await RunAsync(client));
        using var purge = await client.PostAsync("v2/echo/purge-queue", FleetFixture.Json(""));
        Assert.Equal(HttpStatusCode.Forbidden, purge.StatusCode);
    }

    [Fact]
    public async Task A_read_only_key_may_read_batch_status_but_not_submit_a_batch()
    {
        var (_, key) = await fleet.CreateKeyAsync("--read-only");
        using var client = fleet.ClientFor(key);
        var job = await fleet.SubmitAsync("echo", """{"input": {"echo": "read me"}}""");

        await EventuallyAnsweredAsync(async () =>
            (await client.PostAsync("v2/echo/batch/status", FleetFixture.Json($$"""{"ids": ["{{job}}"]}"""))).StatusCode, HttpStatusCode.OK);
        using var run = await client.PostAsync("v2/echo/batch/run", FleetFixture.Json("""{"items": [{"input": {"echo": 1}}]}"""));
        Assert.Equal(HttpStatusCode.Forbidden, run.StatusCode);
    }

    [Fact]
    public async Task An_endpoint_limited_key_cannot_touch_another_endpoint()
    {
        var (_, key) = await fleet.CreateKeyAsync("--endpoints", "echo");
        using var client = fleet.ClientFor(key);

        await EventuallyAnsweredAsync(() => RunAsync(client), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, await RunAsync(client, FleetFixture.SerialEndpoint));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"v2/{FleetFixture.SerialEndpoint}/health")).StatusCode);
    }

    [Fact]
    public async Task An_endpoint_limited_key_sees_only_the_workers_and_jobs_of_its_endpoints_in_admin_workers()
    {
        var (_, key) = await fleet.CreateKeyAsync("--endpoints", "echo");
        using var client = fleet.ClientFor(key);
        await EventuallyAnsweredAsync(async () => (await client.GetAsync("admin/workers")).StatusCode, HttpStatusCode.OK);
        // The shared worker serves echo and echo-serial: a job it runs for echo-serial is not this key's to see.
        var hidden = Guid.Parse(await fleet.SubmitAsync(FleetFixture.SerialEndpoint, """{"input": {"echo": "hidden", "sleep_s": 6}}"""));
        await Eventually.True(async () => (await WorkersAsync(fleet.Api)).Any(w => RunningJobs(w).Contains(hidden)), TimeSpan.FromSeconds(10),
            () => "the unlimited key never saw the job running");

        var seen = await WorkersAsync(client);

        var shared = Assert.Single(seen, w => w.GetProperty("workerId").GetString() == fleet.Worker.Name);
        Assert.Equal(["echo"], shared.GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(hidden, RunningJobs(shared));
        Assert.All(seen, w => Assert.Equal(["echo"], w.GetProperty("endpoints").EnumerateArray().Select(e => e.GetString())));
        Assert.DoesNotContain(seen, w => w.GetProperty("workerId").GetString() == fleet.GpuWorkerId);
        Assert.Contains(await WorkersAsync(fleet.Api), w => w.GetProperty("workerId").GetString() == fleet.GpuWorkerId);
    }

    private static async Task<List<JsonElement>> WorkersAsync(HttpClient client)
    {
        using var response = await client.GetAsync("admin/workers");
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. document.RootElement.EnumerateArray().Select(w => w.Clone())];
    }

    private static List<Guid> RunningJobs(JsonElement worker) => [.. worker.GetProperty("runningJobs").EnumerateArray().Select(j => j.GetGuid())];

    [Fact]
    public async Task A_revoked_key_gets_401()
    {
        var (id, key) = await fleet.CreateKeyAsync();
        using var client = fleet.ClientFor(key);
        await EventuallyAnsweredAsync(() => RunAsync(client), HttpStatusCode.OK);

        await fleet.KeysAsync("revoke", id);

        await EventuallyAnsweredAsync(() => RunAsync(client), HttpStatusCode.Unauthorized);
    }
}
