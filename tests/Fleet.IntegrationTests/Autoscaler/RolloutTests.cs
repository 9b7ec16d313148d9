using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.IntegrationTests.Autoscaler;

/// <summary>
/// Rolling releases with real processes: a change to what an endpoint's workers run starts workers of the new version,
/// and the old ones drain (finishing what they run) once a new one is ready; a worker handed a job of a newer version
/// gives it back and stops taking the endpoint's jobs.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class RolloutTests(FleetFixture fleet, ITestOutputHelper output)
{
    /// <summary>MassTransit's name of the message type, as the gateway's relay sends it.</summary>
    private static readonly string[] s_runJobType = ["urn:message:Fleet.Contracts.Messages:RunJob"];

    [Fact]
    public async Task A_concurrency_change_rolls_out_a_new_worker_and_the_old_one_drains_only_after_its_long_job_ended()
    {
        const string endpoint = FleetFixture.RolloutEndpoint; // min 1, max 2, QUEUE_DELAY, one job per worker
        var definition = CatalogForTests.ReadFile(fleet.EndpointsFile).Single(e => e.Id == endpoint);
        using var autoscaler = await fleet.StartAutoscalerAsync(endpoint);
        await Eventually.True(async () => await fleet.WorkersAsync(endpoint) == 1, TimeSpan.FromSeconds(45), autoscaler.Tail);
        var old = (await autoscaler.WorkersAsync(endpoint)).Single();
        var (oldId, oldPid, oldVersion) = (old.GetProperty("id").GetString(), old.GetProperty("processId").GetInt32(),
            old.GetProperty("version").GetInt32());
        var longJob = await fleet.SubmitAsync(endpoint, """{"input": {"echo": "long", "sleep_s": 15}}""");
        await fleet.WaitForStatusAsync(endpoint, longJob, "IN_PROGRESS", TimeSpan.FromSeconds(20));

        var (_, newVersion) = await fleet.Catalog.PutAsync(definition with { ConcurrencyPerWorker = 2 });
        Assert.True(newVersion > oldVersion);
        var clock = Stopwatch.StartNew();
        await Eventually.True(async () => (await autoscaler.WorkersAsync(endpoint))
            .Any(w => w.GetProperty("version").GetInt32() == newVersion), TimeSpan.FromSeconds(5), autoscaler.Tail);
        var rolledAfter = clock.Elapsed;
        output.WriteLine($"rollout: a worker of version {newVersion} started {rolledAfter.TotalMilliseconds:0} ms after the change");

        // The old worker drains once the new one is ready, while its job still runs; its process lives until the job ended.
        var drainedWhileRunning = false;
        string? status;
        do
        {
            status = (await fleet.StatusAsync(endpoint, longJob)).GetProperty("status").GetString();
            var state = (await autoscaler.WorkersAsync(endpoint)).SingleOrDefault(w => w.GetProperty("id").GetString() == oldId);
            var alive = autoscaler.WorkerProcessIds(endpoint).Contains(oldPid);
            Assert.True(alive || status == "COMPLETED", $"the old worker exited while its job was {status}\n{autoscaler.Tail()}");
            drainedWhileRunning |= status == "IN_PROGRESS" && state.ValueKind == JsonValueKind.Object
                && state.GetProperty("state").GetString() == "Draining";
            await Task.Delay(100);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"the long job is still {status}\n{autoscaler.Tail()}");
        }
        while (status != "COMPLETED");

        output.WriteLine($"rollout: the long job completed {clock.Elapsed.TotalSeconds:0.0} s after the change, on the old worker");
        Assert.True(drainedWhileRunning,
            $"the old worker was not drained while its job ran (new version after {rolledAfter})\n{autoscaler.Tail()}");
        var done = await fleet.StatusAsync(endpoint, longJob);
        Assert.Equal((oldId, 1), (done.GetProperty("workerId").GetString(), done.GetProperty("attempts").GetInt32()));

        // Jobs accepted now run on the new version.
        var after = await fleet.SubmitAsync(endpoint, """{"input": {"echo": "after the rollout"}}""");
        var ran = await fleet.WaitForStatusAsync(endpoint, after, "COMPLETED", TimeSpan.FromSeconds(30));
        var current = await Eventually.Value(() => autoscaler.WorkersAsync(endpoint), w => w.Count == 1, TimeSpan.FromSeconds(15),
            autoscaler.Tail);
        Assert.Equal(newVersion, current.Single().GetProperty("version").GetInt32());
        Assert.Equal(current.Single().GetProperty("id").GetString(), ran.GetProperty("workerId").GetString());
        Assert.DoesNotContain(oldPid, autoscaler.WorkerProcessIds(endpoint));
        Assert.Equal(0, await autoscaler.EventsAsync(endpoint, "kill"));
        Assert.Equal(0, await fleet.QueryAsync<long>("SELECT count(*) FROM jobs WHERE endpoint_id = $1 AND (attempt > 1 OR lease_losses > 0)",
            endpoint).ContinueWith(t => t.Result[0]));
    }

    [Fact]
    public async Task A_worker_handed_a_job_of_a_newer_version_gives_it_back_and_stops_consuming_its_queue()
    {
        const string endpoint = "echo-superseded";
        var file = Path.Combine(Path.GetDirectoryName(fleet.EndpointsFile)!, $"{endpoint}.endpoints.json");
        await File.WriteAllTextAsync(file, $$$"""
            {"Fleet": {"Endpoints": [{"id": "{{{endpoint}}}", "handler": "echo", "concurrencyPerWorker": 2, "version": 1}]}}
            """);
        var (worker, id) = fleet.StartEndpointWorker("superseded", endpoint, (FleetNames.EndpointsFileVariable, file));
        using var _ = worker;
        await fleet.WaitForWorkerAsync(worker, id);
        using var management = fleet.AdminManagementClient();
        var queue = FleetNames.JobQueue(endpoint, Hardware.Cpu);
        var path = $"api/queues/{Uri.EscapeDataString(fleet.VirtualHost)}/{queue}";
        await Eventually.True(async () => (await QueueAsync(management, path)).Consumers == 1, TimeSpan.FromSeconds(20), () => worker.Tail());

        var jobId = Guid.NewGuid();
        var envelope = JsonSerializer.Serialize(new
        {
            messageId = Guid.NewGuid(),
            messageType = s_runJobType,
            message = new
            {
                jobId, endpointId = endpoint, handler = "echo", input = new { echo = "for version 2" }, attempt = 1,
                executionTimeoutMs = 60_000, acceptedAt = DateTimeOffset.UtcNow, reportToken = "token", endpointVersion = 2,
            },
            headers = new { },
        });
        (await management.PostAsJsonAsync($"api/exchanges/{Uri.EscapeDataString(fleet.VirtualHost)}/amq.default/publish", new
        {
            properties = new { content_type = "application/vnd.masstransit+json", delivery_mode = 2 },
            routing_key = queue,
            payload = envelope,
            payload_encoding = "string",
        })).EnsureSuccessStatusCode();

        // Given back, and left there: no consumer takes it again, and the worker lives on to be drained.
        await Eventually.True(async () => await QueueAsync(management, path) is { Consumers: 0, Ready: 1 }, TimeSpan.FromSeconds(30),
            () => worker.Tail());
        Assert.Contains(worker.Output, l => l.Contains("came to this worker of version 1", StringComparison.Ordinal));
        Assert.Contains(worker.Output, l => l.Contains($"Stopped taking jobs of endpoint {endpoint}", StringComparison.Ordinal));
        Assert.DoesNotContain(worker.Output, l => l.Contains(jobId.ToString(), StringComparison.Ordinal) && l.Contains("reported"));
        Assert.False(worker.HasExited);
        // Its heartbeats no longer offer the endpoint, so the gateway counts no capacity for it there.
        await Eventually.True(async () => (await fleet.QueryAsync<string[]>("SELECT endpoints FROM workers WHERE id = $1", id))
            .Single().Length == 0, TimeSpan.FromSeconds(10), () => worker.Tail());
    }

    private static async Task<(int Consumers, int Ready)> QueueAsync(HttpClient management, string path)
    {
        using var document = JsonDocument.Parse(await management.GetStringAsync(path));
        // A queue the broker has not collected statistics for yet lacks the counts.
        int Count(string field) => document.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt32() : -1;
        return (Count("consumers"), Count("messages_ready"));
    }
}
