using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>
/// The management API (<c>/v1/endpoints</c>) against the real gateway and database: endpoints made, changed and
/// deleted while everything runs, seen by every gateway at once, versioned, validated field by field, and open
/// to admin keys only.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class EndpointsApiTests(FleetFixture fleet)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_endpoint_created_through_the_api_takes_jobs_at_once_on_every_gateway_and_runs_them()
    {
        var (extra, extraClient) = fleet.StartExtraGateway();
        using (extra)
        using (extraClient)
        {
            await FleetFixture.WaitUntilServingAsync(extraClient, extra);
            var name = NewName("made");

            var (code, created, location) = await SendAsync(fleet.Api, HttpMethod.Post, "v1/endpoints",
                $$$"""{"name": "{{{name}}}", "handler": "echo", "computeType": "CPU", "workersMax": 2, "env": {"GREETING": "hi"}}""");
            var clock = Stopwatch.StartNew();

            Assert.Equal(HttpStatusCode.Created, code);
            Assert.Equal($"/v1/endpoints/{name}", location);
            Assert.Equal(name, created.GetProperty("id").GetString());
            Assert.Equal(1, created.GetProperty("version").GetInt32());
            Assert.Equal(1, created.GetProperty("workerVersion").GetInt32());
            Assert.Equal("hi", created.GetProperty("env").GetProperty("GREETING").GetString());
            // The gateway that made it takes its jobs at once; another within 2 s (it hears the change, it does not poll).
            var jobId = await fleet.SubmitAsync(name, """{"input": {"echo": "first"}}""");
            await Eventually.True(async () => (await extraClient.GetAsync($"v2/{name}/health")).IsSuccessStatusCode, s_timeout, () => extra.Tail());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the other gateway saw the new endpoint after {clock.Elapsed}");
            var (listed, list, _) = await SendAsync(fleet.Api, HttpMethod.Get, "v1/endpoints");
            Assert.Equal(HttpStatusCode.OK, listed);
            Assert.Contains(list.EnumerateArray(), e => e.GetProperty("id").GetString() == name);

            // A worker for it (as the autoscaler starts one) runs the job that waited for it.
            var (worker, _) = fleet.StartCatalogEndpointWorker(name, $$"""{"id": "{{name}}", "handler": "echo"}""");
            using (worker)
            {
                var status = await fleet.WaitForStatusAsync(name, jobId, "COMPLETED", s_timeout);
                Assert.Equal("first", status.GetProperty("output").GetProperty("echo").GetString());
            }

            Assert.Equal(HttpStatusCode.OK, (await SendAsync(fleet.Api, HttpMethod.Delete, $"v1/endpoints/{name}")).Code);
            await Eventually.True(async () => (await extraClient.GetAsync($"v2/{name}/health")).StatusCode == HttpStatusCode.NotFound,
                TimeSpan.FromSeconds(2), () => extra.Tail());
        }
    }

    [Fact]
    public async Task Put_is_idempotent_and_the_version_grows_with_each_change_the_worker_version_only_with_what_workers_run()
    {
        var name = NewName("put");
        var body = $$"""{"handler": "echo", "computeType": "CPU", "workersMax": 2, "concurrencyPerWorker": 1}""";

        var first = await SendAsync(fleet.Api, HttpMethod.Put, $"v1/endpoints/{name}", body);
        var again = await SendAsync(fleet.Api, HttpMethod.Put, $"v1/endpoints/{name}", body);
        var concurrency = await SendAsync(fleet.Api, HttpMethod.Put, $"v1/endpoints/{name}", body.Replace("\"concurrencyPerWorker\": 1",
            "\"concurrencyPerWorker\": 4", StringComparison.Ordinal));
        var scaling = await SendAsync(fleet.Api, HttpMethod.Patch, $"v1/endpoints/{name}", """{"workersMax": 3, "idleTimeout": 60}""");
        var sameScaling = await SendAsync(fleet.Api, HttpMethod.Patch, $"v1/endpoints/{name}", """{"workersMax": 3}""");
        // An answer sent back as it came is the same definition.
        var roundTrip = await SendAsync(fleet.Api, HttpMethod.Put, $"v1/endpoints/{name}", sameScaling.Body.GetRawText());

        Assert.Equal(("created", 1, 1), Summary(first));
        Assert.Equal(("unchanged", 1, 1), Summary(again));
        Assert.Equal(first.Body.GetProperty("updatedAt").GetString(), again.Body.GetProperty("updatedAt").GetString());
        Assert.Equal(("updated", 2, 2), Summary(concurrency));
        Assert.Equal(("updated", 3, 2), Summary(scaling));
        Assert.Equal(60, scaling.Body.GetProperty("idleTimeout").GetInt32());
        Assert.Equal(4, scaling.Body.GetProperty("concurrencyPerWorker").GetInt32());
        Assert.Equal(("unchanged", 3, 2), Summary(sameScaling));
        Assert.Equal(("unchanged", 3, 2), Summary(roundTrip));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(fleet.Api, HttpMethod.Patch, $"v1/endpoints/{NewName("none")}", "{}")).Code);
        var renamed = await SendAsync(fleet.Api, HttpMethod.Patch, $"v1/endpoints/{name}", """{"name": "other"}""");
        Assert.Equal(HttpStatusCode.BadRequest, renamed.Code);
        Assert.True(renamed.Body.GetProperty("errors").TryGetProperty("name", out _));

        await SendAsync(fleet.Api, HttpMethod.Delete, $"v1/endpoints/{name}");
    }

    public static TheoryData<string, string> InvalidDefinitions() => new()
    {
        { """{"name": "§", "handler": "echo", "workersMin": 3, "workersMax": 2}""", "workersMax" },
        { """{"name": "§", "handler": "no-such-handler"}""", "handler" },
        { """{"name": "§", "handler": "mlp", "computeType": "CPU"}""", "handler" },
        { """{"name": "§"}""", "handler" },
        { """{"name": "§", "handler": "echo", "executionTimeoutMs": -1}""", "executionTimeoutMs" },
        { """{"name": "§", "handler": "echo", "idleTimeout": -5}""", "idleTimeout" },
        { """{"name": "§", "handler": "echo", "workersMax": 2147483648}""", "workersMax" },
        { """{"name": "§", "handler": "echo", "workersMax": 1.5}""", "workersMax" },
        { """{"name": "§", "handler": "echo", "workersMax": "2"}""", "workersMax" },
        { """{"name": "§", "handler": "echo", "workerMax": 2}""", "workerMax" },
        { """{"name": "§", "handler": "echo", "computeType": "TPU"}""", "computeType" },
        { """{"name": "§", "handler": "mlp", "computeType": "GPU", "gpuCount": 2}""", "gpuCount" },
        { """{"name": "§", "handler": "echo", "cpuFallback": true}""", "cpuFallback" },
        { """{"name": "§", "handler": "echo", "scalerType": "QUEUE_LENGTH"}""", "scalerType" },
        { """{"name": "§", "handler": "echo", "env": {"RabbitMq__Host": "evil"}}""", "env.RabbitMq__Host" },
        { """{"name": "§", "handler": "echo", "env": {"A": 1}}""", "env.A" },
        { """{"name": "§", "handler": "echo", "env": ["A=1"]}""", "env" },
        { """{"name": "§", "handler": "echo", "package": "abc"}""", "package" },
        { """{"name": "§", "handler": "echo", "manifest": [1]}""", "manifest" },
        { """{"name": "a/b", "handler": "echo"}""", "name" },
        { """{"name": "..", "handler": "echo"}""", "name" },
        { """{"name": "batch", "handler": "echo"}""", "name" },
        { """{"name": "", "handler": "echo"}""", "name" },
        { """{"handler": "echo"}""", "name" },
        { """{"name": "§", "id": "other", "handler": "echo"}""", "id" },
        { """[{"name": "§"}]""", "body" },
        { """{"name": "\ud800", "handler": "echo"}""", "name" },
    };

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public async Task An_invalid_definition_is_a_400_naming_the_field_and_changes_nothing(string template, string field)
    {
        var name = NewName("bad");
        var before = await EndpointRowsAsync();

        var (code, problem, _) = await SendAsync(fleet.Api, HttpMethod.Post, "v1/endpoints", template.Replace("§", name, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, await EndpointRowsAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(fleet.Api, HttpMethod.Get, $"v1/endpoints/{name}")).Code);
    }

    [Fact]
    public async Task Deleting_an_endpoint_with_jobs_is_a_409_and_with_force_cancels_them_firing_their_webhooks()
    {
        var name = NewName("del");
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(fleet.Api, HttpMethod.Post, "v1/endpoints",
            $$"""{"name": "{{name}}", "handler": "echo", "concurrencyPerWorker": 1}""")).Code);
        var (worker, _) = fleet.StartCatalogEndpointWorker(name, $$"""{"id": "{{name}}", "handler": "echo", "concurrencyPerWorker": 1}""");
        using var receiver = new WebhookReceiver();
        using (worker)
        {
            var running = await fleet.SubmitAsync(name, $$"""{"input": {"echo": 1, "sleep_s": 60}, "webhook": "{{receiver.Url}}"}""");
            var queued = await fleet.SubmitAsync(name, $$"""{"input": {"echo": 2}, "webhook": "{{receiver.Url}}"}""");
            await fleet.WaitForStatusAsync(name, running, "IN_PROGRESS", s_timeout);

            var refused = await SendAsync(fleet.Api, HttpMethod.Delete, $"v1/endpoints/{name}");
            var badFlag = await SendAsync(fleet.Api, HttpMethod.Delete, $"v1/endpoints/{name}?force=perhaps");
            var forced = await SendAsync(fleet.Api, HttpMethod.Delete, $"v1/endpoints/{name}?force=true");

            Assert.Equal(HttpStatusCode.Conflict, refused.Code);
            Assert.Contains("2 queued or running jobs", refused.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.BadRequest, badFlag.Code);
            Assert.Equal(HttpStatusCode.OK, forced.Code);
            Assert.Equal(2, forced.Body.GetProperty("cancelledJobs").GetInt32());
            var jobs = await fleet.QueryAsync<string>("SELECT status || ' ' || error FROM jobs WHERE endpoint_id = $1", name);
            Assert.Equal(2, jobs.Count);
            Assert.All(jobs, j => Assert.Equal($"CANCELLED cancelled: endpoint '{name}' was deleted", j));
            await Eventually.True(() => Task.FromResult(receiver.Requests.Count >= 2), s_timeout, () => fleet.Gateway.Tail());
            Assert.All(receiver.Requests, r => Assert.Contains("\"CANCELLED\"", r.Body, StringComparison.Ordinal));
            var notified = receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()!);
            Assert.Equal(new[] { queued, running }.Order(StringComparer.Ordinal), notified.Order(StringComparer.Ordinal));
            // The running job is stopped on its worker, not left running there.
            await Eventually.True(() => Task.FromResult(worker.Output.Any(l => l.Contains($"Job {running}", StringComparison.Ordinal)
                && l.Contains("was stopped", StringComparison.Ordinal))), s_timeout, () => worker.Tail());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(fleet.Api, HttpMethod.Get, $"v1/endpoints/{name}")).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(fleet.Api, HttpMethod.Delete, $"v1/endpoints/{name}")).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await fleet.Api.PostAsync($"v2/{name}/run", FleetFixture.Json("""{"input": {}}"""))).StatusCode);
    }

    [Fact]
    public async Task Only_an_admin_key_may_use_any_management_route()
    {
        var name = NewName("perm");
        var (_, job) = await fleet.CreateKeyAsync();
        var (_, readOnly) = await fleet.CreateKeyAsync("--read-only");
        var (_, admin) = await fleet.CreateKeyAsync("--admin");
        var (exitCode, refusal) = await fleet.RunKeysAsync("create", "--name", "x", "--admin", "--read-only");
        Assert.Equal(2, exitCode);
        Assert.Contains("may not be combined", refusal, StringComparison.Ordinal);
        var routes = new (HttpMethod Method, string Path, string? Body, HttpStatusCode Allowed)[]
        {
            (HttpMethod.Post, "v1/endpoints", $$"""{"name": "{{name}}", "handler": "echo"}""", HttpStatusCode.Created),
            (HttpMethod.Get, "v1/endpoints", null, HttpStatusCode.OK),
            (HttpMethod.Get, $"v1/endpoints/{name}", null, HttpStatusCode.OK),
            (HttpMethod.Put, $"v1/endpoints/{name}", """{"handler": "echo", "workersMax": 2}""", HttpStatusCode.OK),
            (HttpMethod.Patch, $"v1/endpoints/{name}", """{"workersMax": 3}""", HttpStatusCode.OK),
            (HttpMethod.Delete, $"v1/endpoints/{name}", null, HttpStatusCode.OK),
        };

        // Stored keys are loaded every two seconds: wait until the admin key works.
        using var adminClient = fleet.ClientFor(admin);
        await Eventually.True(async () => (await adminClient.GetAsync("v1/endpoints")).IsSuccessStatusCode, s_timeout, () => "admin key not loaded");
        foreach (var (method, path, body, allowed) in routes)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(fleet.ClientFor(null), method, path, body)).Code);
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(fleet.ClientFor("not-a-key"), method, path, body)).Code);
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(fleet.ClientFor(job), method, path, body)).Code);
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(fleet.ClientFor(readOnly), method, path, body)).Code);
            var (code, answer, _) = await SendAsync(adminClient, method, path, body);
            Assert.True(allowed == code, $"{method} {path} with the admin key: {(int)code} {answer}");
        }

        // A job key still runs jobs: the admin scope adds /v1, it takes nothing from /v2.
        using var jobClient = fleet.ClientFor(job);
        Assert.Equal(HttpStatusCode.OK, (await jobClient.PostAsync("v2/echo/run", FleetFixture.Json("""{"input": {"echo": 1}}"""))).StatusCode);
    }

    [Fact]
    public async Task The_endpoints_file_seeds_the_catalog_at_start()
    {
        var (code, list, _) = await SendAsync(fleet.Api, HttpMethod.Get, "v1/endpoints");

        Assert.Equal(HttpStatusCode.OK, code);
        var echo = Assert.Single(list.EnumerateArray(), e => e.GetProperty("id").GetString() == FleetFixture.SerialEndpoint);
        Assert.Equal("echo", echo.GetProperty("handler").GetString());
        Assert.Equal("CPU", echo.GetProperty("computeType").GetString());
        Assert.True(echo.GetProperty("version").GetInt32() >= 1);
    }

    private static (string Result, int Version, int WorkerVersion) Summary((HttpStatusCode Code, JsonElement Body, string? Location) answer)
    {
        Assert.True(answer.Code == HttpStatusCode.OK, answer.Body.ToString());
        return (answer.Body.GetProperty("result").GetString()!, answer.Body.GetProperty("version").GetInt32(),
            answer.Body.GetProperty("workerVersion").GetInt32());
    }

    private static string NewName(string kind) => $"it-{kind}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<string> EndpointRowsAsync() =>
        string.Join(",", await fleet.QueryAsync<string>("SELECT id || ':' || version FROM endpoints ORDER BY id"));

    private static async Task<(HttpStatusCode Code, JsonElement Body, string? Location)> SendAsync(
        HttpClient client, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response.Headers.Location?.OriginalString);
    }

}
