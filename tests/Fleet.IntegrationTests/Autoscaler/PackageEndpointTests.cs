using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.IntegrationTests.Infrastructure;
using Fleet.IntegrationTests.Packages;
using Xunit.Abstractions;

namespace Fleet.IntegrationTests.Autoscaler;

/// <summary>
/// Endpoints that name a package, with real processes: the autoscaler fetches the package from the gateway, runs its
/// program as the endpoint's workers, follows a redeploy to a new package, fetches a damaged copy again, and stops
/// starting a program that fails before it is ready (reporting its error as <c>WorkerStartsFailed</c> on the broker).
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class PackageEndpointTests(FleetFixture fleet, FunctionPackageFiles packages, ITestOutputHelper output)
    : IClassFixture<FunctionPackageFiles>
{
    private const string Rows = """{"input": {"rows": [{"a": 1, "b": "x"}, {"a": 3}]}}""";
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task A_package_endpoint_scales_from_zero_runs_a_job_and_a_redeploy_rolls_its_workers_to_the_new_package()
    {
        var (name, builtIn, cached) = ("summarize-" + _suffix, "echo-cold-" + _suffix, "summarize-cached-" + _suffix);
        using var autoscaler = await fleet.StartAutoscalerAsync(name, builtIn, cached);
        await fleet.Catalog.PutAsync(Endpoint(builtIn, package: null) with { Handler = "echo" });
        var (builtInCold, _) = await FirstJobAsync(builtIn, """{"input": {"echo": "cold"}}""", autoscaler);

        var sha = await UploadAsync(packages.Summarize);
        var (_, first) = await fleet.Catalog.PutAsync(Endpoint(name, sha));
        var (packageCold, job) = await FirstJobAsync(name, Rows, autoscaler);
        await fleet.Catalog.PutAsync(Endpoint(cached, sha));
        var (cachedCold, _) = await FirstJobAsync(cached, Rows, autoscaler);
        output.WriteLine($"cold start (endpoint created, at zero workers -> first job done): built-in echo worker " +
            $"{builtInCold.TotalMilliseconds:0} ms; summarize package worker (fetch {packages.Summarize.Length / 1024} KiB, extract, " +
            $"start) {packageCold.TotalMilliseconds:0} ms; another endpoint of the same package, already here, " +
            $"{cachedCold.TotalMilliseconds:0} ms");
        output.WriteLine(autoscaler.Process.Output.FirstOrDefault(l => l.Contains($"Package {sha} fetched", StringComparison.Ordinal)));
        var result = job.GetProperty("output");
        Assert.Equal(2, result.GetProperty("rows").GetInt32());
        Assert.Equal(2.0, result.GetProperty("means").GetProperty("a").GetDouble());
        Assert.Contains(Path.Combine("packages", sha, "Summarize.dll"), CommandLine(await WorkerPidAsync(autoscaler, name, first)));

        var changed = await UploadAsync(packages.SummarizeChanged);
        var (_, second) = await fleet.Catalog.PutAsync(Endpoint(name, changed));
        Assert.True(second > first, $"a new package is a new worker version ({first} -> {second})");
        var clock = Stopwatch.StartNew();
        var again = await fleet.SubmitAsync(name, Rows);
        var done = await fleet.WaitForStatusAsync(name, again, "COMPLETED", TimeSpan.FromSeconds(90));
        output.WriteLine($"redeploy: a job submitted after the new package completed in {clock.ElapsedMilliseconds} ms");
        var worker = await Eventually.Value(() => autoscaler.WorkersAsync(name),
            w => w.Any(x => x.GetProperty("id").GetString() == done.GetProperty("workerId").GetString()), TimeSpan.FromSeconds(10),
            autoscaler.Tail);
        Assert.Equal(second, worker.Single(x => x.GetProperty("id").GetString() == done.GetProperty("workerId").GetString())
            .GetProperty("version").GetInt32());
        Assert.Contains(Path.Combine("packages", changed, "Summarize.dll"), CommandLine(await WorkerPidAsync(autoscaler, name, second)));
    }

    [Fact]
    public async Task A_job_started_before_a_redeploy_finishes_on_the_old_code_and_jobs_after_it_run_the_new_code()
    {
        var name = "versioned-" + _suffix;
        var release1 = await UploadAsync(packages.Versioned.Release1);
        var release2 = await UploadAsync(packages.Versioned.Release2);
        var endpoint = Endpoint(name, release1) with { Handler = "versioned", WorkersMin = 1, WorkersMax = 2, ConcurrencyPerWorker = 1 };
        var (_, first) = await fleet.Catalog.PutAsync(endpoint);
        using var autoscaler = await fleet.StartAutoscalerAsync(name);
        var (_, warm) = await FirstJobAsync(name, """{"input": {"sleepMs": 0}}""", autoscaler);
        Assert.Equal("release 1", warm.GetProperty("output").GetProperty("release").GetString());
        var longJob = await fleet.SubmitAsync(name, """{"input": {"sleepMs": 12000}}""");
        await fleet.WaitForStatusAsync(name, longJob, "IN_PROGRESS", TimeSpan.FromSeconds(30));

        var (_, second) = await fleet.Catalog.PutAsync(endpoint with { Package = release2 });
        Assert.True(second > first, $"changed code is a new worker version ({first} -> {second})");
        var after = await fleet.SubmitAsync(name, """{"input": {"sleepMs": 0}}""");
        var newJob = await fleet.WaitForStatusAsync(name, after, "COMPLETED", TimeSpan.FromSeconds(60));
        var oldJob = await fleet.WaitForStatusAsync(name, longJob, "COMPLETED", TimeSpan.FromSeconds(60));

        Assert.Equal(("release 2", second), (newJob.GetProperty("output").GetProperty("release").GetString(),
            newJob.GetProperty("endpointVersion").GetInt32()));
        Assert.Equal(("release 1", first, 1), (oldJob.GetProperty("output").GetProperty("release").GetString(),
            oldJob.GetProperty("endpointVersion").GetInt32(), oldJob.GetProperty("attempts").GetInt32()));
        Assert.Equal(0, await autoscaler.EventsAsync(name, "kill"));
    }

    [Fact]
    public async Task A_damaged_cached_package_is_fetched_again_by_the_next_start()
    {
        var name = "summarize-cache-" + _suffix;
        var sha = await UploadAsync(packages.Summarize);
        await fleet.Catalog.PutAsync(Endpoint(name, sha));
        var first = await fleet.StartAutoscalerAsync(name);
        await FirstJobAsync(name, Rows, first);
        var cached = Path.Combine(first.WorkerLogDirectory, "packages", sha, "Summarize.dll");
        var size = new FileInfo(cached).Length;
        first.Dispose();

        // Same size, other bytes: only the contents' hash can tell.
        var bytes = await File.ReadAllBytesAsync(cached);
        Array.Fill(bytes, (byte)0, 0, 512);
        await File.WriteAllBytesAsync(cached, bytes);
        using var successor = await fleet.StartSuccessorAsync(first);
        var job = await fleet.SubmitAsync(name, Rows);
        await fleet.WaitForStatusAsync(name, job, "COMPLETED", TimeSpan.FromSeconds(90));

        Assert.Contains(successor.Process.Output, l => l.Contains("is damaged", StringComparison.Ordinal));
        Assert.Equal(size, new FileInfo(cached).Length);
        Assert.NotEqual(0, (await File.ReadAllBytesAsync(cached))[..512].Max());
    }

    [Fact]
    public async Task A_package_whose_program_throws_at_start_trips_after_three_failures_reports_its_error_and_is_not_started_again()
    {
        var name = "broken-" + _suffix;
        var queue = await BindStartFailureQueueAsync();
        var sha = await UploadAsync(packages.Broken);
        var (_, version) = await fleet.Catalog.PutAsync(Endpoint(name, sha) with { WorkersMin = 1, WorkersMax = 1 });
        var queued = await fleet.SubmitAsync(name, Rows);
        using var autoscaler = await fleet.StartAutoscalerAsync(name);

        var reports = await Eventually.Value(() => ReadReportsAsync(queue), r => r.Any(m => m.GetProperty("tripped").GetBoolean()),
            TimeSpan.FromSeconds(90), autoscaler.Tail);
        var starts = await autoscaler.EventsAsync(name, "start") + await autoscaler.EventsAsync(name, "restart");
        await Task.Delay(TimeSpan.FromSeconds(6));

        Assert.Equal([1, 2, 3], reports.Select(r => r.GetProperty("consecutiveFailures").GetInt32()));
        Assert.All(reports, r => Assert.Equal((name, version), (r.GetProperty("endpointId").GetString(),
            r.GetProperty("workerVersion").GetInt32())));
        Assert.All(reports, r => Assert.Contains(FunctionPackageFiles.BrokenMessage, r.GetProperty("lastError").GetString()));
        Assert.All(reports, r => Assert.False(string.IsNullOrEmpty(r.GetProperty("signature").GetString())));
        Assert.Equal(3, starts);
        Assert.Equal(starts, await autoscaler.EventsAsync(name, "start") + await autoscaler.EventsAsync(name, "restart"));
        Assert.Equal(0, await autoscaler.CountAsync(name));
        Assert.Empty(autoscaler.WorkerProcessIds(name));
        var decision = await autoscaler.DecisionAsync(name);
        Assert.Contains("3 starts in a row", decision!.Value.GetProperty("reason").GetString());

        // The gateway's side: the endpoint is failing. Its queued job failed with the program's own error, submissions are
        // refused with it, and a reset has the autoscaler try again.
        var failed = await fleet.WaitForStatusAsync(name, queued, "FAILED", TimeSpan.FromSeconds(30));
        Assert.StartsWith($"endpoint {name} is failing: 3 workers failed to start: ", failed.GetProperty("error").GetString());
        Assert.Contains(FunctionPackageFiles.BrokenMessage, failed.GetProperty("error").GetString());
        using (var refused = await fleet.Api.PostAsync($"v2/{name}/run", FleetFixture.Json(Rows)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains(FunctionPackageFiles.BrokenMessage, await refused.Content.ReadAsStringAsync());
        }

        using (var reset = await fleet.Api.PostAsync($"v1/endpoints/{name}/reset", null))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        }

        await Eventually.True(async () => await autoscaler.EventsAsync(name, "start") + await autoscaler.EventsAsync(name, "restart") > 3,
            TimeSpan.FromSeconds(30), autoscaler.Tail);
    }

    [Fact]
    public async Task Fleet_deploy_creates_the_functions_endpoint_on_the_fleet_which_runs_it_and_deploying_it_again_changes_nothing()
    {
        // The endpoint's name is the sample's own ([FleetFunction("summarize")]): no other test deploys it.
        using var autoscaler = await fleet.StartAutoscalerAsync("summarize");
        var (_, jobKey) = await fleet.CreateKeyAsync();
        var url = fleet.Api.BaseAddress!.AbsoluteUri;

        var clock = Stopwatch.StartNew();
        var (code, deployed) = await DeployAsync(url, FleetFixture.ApiKey);
        var deployTook = clock.Elapsed;
        Assert.True(code == 0, deployed);
        Assert.Contains("summarize: created", deployed, StringComparison.Ordinal);
        var (took, job) = await FirstJobAsync("summarize", Rows, autoscaler);
        Assert.Equal(2, job.GetProperty("output").GetProperty("rows").GetInt32());

        var (againCode, again) = await DeployAsync(url, FleetFixture.ApiKey);
        Assert.True(againCode == 0, again);
        Assert.Contains("summarize: unchanged", again, StringComparison.Ordinal);

        var (refusedCode, refused) = await DeployAsync(url, jobKey);
        Assert.NotEqual(0, refusedCode);
        Assert.Contains("403", refused, StringComparison.Ordinal);
        Assert.Contains("admin API key", refused, StringComparison.Ordinal);
        output.WriteLine($"fleet deploy of the summarize sample (publish, package, upload, endpoint): {deployTook.TotalSeconds:0.0} s; " +
            $"then its first job (scale from zero, fetch, start, run): {took.TotalSeconds:0.0} s");
    }

    private Task<(int Code, string Output)> DeployAsync(string url, string key) =>
        packages.FleetAsync("deploy", FunctionPackageFiles.SummarizeProject, "--url", url, "--api-key", key);

    [Fact]
    public async Task A_gateway_away_for_a_few_seconds_while_a_package_is_fetched_trips_nothing_and_the_job_runs_once_it_is_back()
    {
        var name = "gateway-away-" + _suffix;
        var sha = await UploadAsync(packages.Summarize);
        await fleet.Catalog.PutAsync(Endpoint(name, sha));
        // The autoscaler reaches the gateway through a port that refuses connections for the first seconds.
        using var relay = new TcpRelay(fleet.Api.BaseAddress!);
        using var autoscaler = await fleet.StartAutoscalerAsync([name], ("Autoscaler__GatewayUrl", relay.Address.AbsoluteUri));
        var job = await fleet.SubmitAsync(name, Rows);
        await Eventually.True(
            () => Task.FromResult(autoscaler.Process.Output.Any(l => l.Contains("trying again in", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30), autoscaler.Tail);
        await Task.Delay(TimeSpan.FromSeconds(3));
        relay.Open();

        var done = await fleet.WaitForStatusAsync(name, job, "COMPLETED", TimeSpan.FromSeconds(60));

        Assert.Equal(2, done.GetProperty("output").GetProperty("rows").GetInt32());
        Assert.Equal(0, await autoscaler.EventsAsync(name, "failed-start"));
        using var endpoint = await fleet.Api.GetAsync($"v1/endpoints/{name}");
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(await endpoint.Content.ReadAsStringAsync()).RootElement
            .GetProperty("startFailures").ValueKind);
    }

    [Fact]
    public async Task A_package_that_cannot_be_fetched_counts_as_failed_starts_with_the_fetch_error_and_trips()
    {
        var name = "unfetchable-" + _suffix;
        var sha = await UploadAsync(packages.Summarize);
        await fleet.Catalog.PutAsync(Endpoint(name, sha) with { WorkersMin = 1, WorkersMax = 1 });
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var down = $"http://127.0.0.1:{((IPEndPoint)closed.LocalEndpoint).Port}/";
        closed.Stop(); // nothing listens there now: the gateway is down, for this autoscaler

        // No retry of the unreachable gateway (by default a fetch is tried for 2 minutes): each start fails at once.
        using var autoscaler = await fleet.StartAutoscalerAsync([name], ("Autoscaler__GatewayUrl", down),
            ("Autoscaler__PackageFetchRetryFor", "00:00:00"));

        var decision = await Eventually.Value(() => autoscaler.DecisionAsync(name),
            d => d?.GetProperty("reason").GetString()?.Contains("3 starts in a row", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(60), autoscaler.Tail);
        var failed = await autoscaler.EventsAsync(name, "failed-start");
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Contains($"cannot fetch the package from {down}v1/packages/{sha}", decision!.Value.GetProperty("reason").GetString());
        Assert.Equal(3, failed);
        Assert.Equal(3, await autoscaler.EventsAsync(name, "failed-start"));
        Assert.Equal(0, await autoscaler.CountAsync(name));
        Assert.Contains(autoscaler.Process.Output, l => l.Contains("start 3 in a row failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_kubernetes_package_worker_entrypoint_fetches_checks_unzips_and_execs_the_packages_program()
    {
        var sha = await UploadAsync(packages.Broken);
        var directory = Directory.CreateTempSubdirectory("fleet-package-worker-").FullName;
        try
        {
            var (code, text) = await EntrypointAsync(sha, fleet.WorkerKey, directory);
            Assert.True(code != 0, text);
            Assert.Contains("broken function starting", text);
            Assert.Contains(FunctionPackageFiles.BrokenMessage, text);
            Assert.True(File.Exists(Path.Combine(directory, sha, "Broken.dll")));

            var other = FunctionPackageFiles.Sha256(packages.Summarize);
            var (wrongKeyCode, wrongKey) = await EntrypointAsync(other, "not-the-workers-key-at-all-0123", directory);
            Assert.True(wrongKeyCode == 1, wrongKey);
            Assert.Contains("cannot fetch package", wrongKey);
            Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(directory), e => e.Contains(other, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs infra/docker/package-worker.sh as a pod would; its exit code and output.</summary>
    private async Task<(int Code, string Output)> EntrypointAsync(string sha, string key, string directory)
    {
        var start = new ProcessStartInfo(Path.Combine(RepoPaths.Root, "infra", "docker", "package-worker.sh"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment[FleetNames.PackageVariable] = sha;
        start.Environment[FleetNames.GatewayUrlVariable] = fleet.Api.BaseAddress!.AbsoluteUri;
        start.Environment["Worker__Key"] = key;
        start.Environment["FLEET_PACKAGE_DIR"] = directory;
        using var process = Process.Start(start)!;
        var (stdout, stderr) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }

    private EndpointDefinition Endpoint(string name, string? package) => new()
    {
        Id = name, Handler = "summarize", Package = package, WorkersMin = 0, WorkersMax = 1, IdleTimeoutSeconds = 60,
        ScalerType = ScalerType.RequestCount, ScalerValue = 1, ConcurrencyPerWorker = 2,
    };

    private async Task<string> UploadAsync(byte[] package)
    {
        var sha = FunctionPackageFiles.Sha256(package);
        using var content = new ByteArrayContent(package);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var response = await fleet.Api.PutAsync($"v1/packages/{sha}", content);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK,
            $"PUT v1/packages: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return sha;
    }

    /// <summary>Submits the endpoint's first job with runsync; how long until it completed, and its status.</summary>
    private async Task<(TimeSpan Took, JsonElement Job)> FirstJobAsync(string endpoint, string body, AutoscalerProcess autoscaler)
    {
        var clock = Stopwatch.StartNew();
        using var response = await fleet.Api.PostAsync($"v2/{endpoint}/runsync?wait=90000", FleetFixture.Json(body));
        var job = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        if (job.GetProperty("status").GetString() != "COMPLETED")
        {
            job = await fleet.WaitForStatusAsync(endpoint, job.GetProperty("id").GetString()!, "COMPLETED", TimeSpan.FromSeconds(90));
        }

        Assert.True(job.GetProperty("status").GetString() == "COMPLETED", $"{job}\n{autoscaler.Tail()}");
        return (clock.Elapsed, job);
    }

    private static async Task<int> WorkerPidAsync(AutoscalerProcess autoscaler, string endpoint, int version) =>
        (await Eventually.Value(() => autoscaler.WorkersAsync(endpoint),
            w => w.Any(x => x.GetProperty("version").GetInt32() == version && x.GetProperty("processId").ValueKind == JsonValueKind.Number),
            TimeSpan.FromSeconds(30), autoscaler.Tail))
        .First(x => x.GetProperty("version").GetInt32() == version && x.GetProperty("processId").ValueKind == JsonValueKind.Number)
        .GetProperty("processId").GetInt32();

    private static string CommandLine(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');

    /// <summary>A queue of the test's own bound to the exchange MassTransit publishes <c>WorkerStartsFailed</c> to.</summary>
    private async Task<string> BindStartFailureQueueAsync()
    {
        const string exchange = "Fleet.Contracts.Messages:WorkerStartsFailed";
        var queue = "it-start-failures-" + _suffix;
        var vhost = Uri.EscapeDataString(fleet.VirtualHost);
        using var management = fleet.AdminManagementClient();
        (await management.PutAsJsonAsync($"api/exchanges/{vhost}/{Uri.EscapeDataString(exchange)}",
            new { type = "fanout", durable = true, auto_delete = false })).EnsureSuccessStatusCode();
        (await management.PutAsJsonAsync($"api/queues/{vhost}/{queue}", new { durable = false, auto_delete = false }))
            .EnsureSuccessStatusCode();
        (await management.PostAsJsonAsync($"api/bindings/{vhost}/e/{Uri.EscapeDataString(exchange)}/q/{queue}", new { routing_key = "" }))
            .EnsureSuccessStatusCode();
        return queue;
    }

    private readonly List<JsonElement> _reports = [];

    /// <summary>Every report received so far (the messages are taken off the queue, and kept here).</summary>
    private async Task<IReadOnlyList<JsonElement>> ReadReportsAsync(string queue)
    {
        using var management = fleet.AdminManagementClient();
        using var response = await management.PostAsJsonAsync($"api/queues/{Uri.EscapeDataString(fleet.VirtualHost)}/{queue}/get",
            new { count = 100, ackmode = "ack_requeue_false", encoding = "auto" });
        response.EnsureSuccessStatusCode();
        foreach (var message in JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray())
        {
            _reports.Add(JsonDocument.Parse(message.GetProperty("payload").GetString()!).RootElement.GetProperty("message").Clone());
        }

        return [.. _reports];
    }
}
