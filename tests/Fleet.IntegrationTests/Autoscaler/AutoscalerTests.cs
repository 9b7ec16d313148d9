using System.Diagnostics;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;
using Npgsql;

namespace Fleet.IntegrationTests.Autoscaler;

/// <summary>
/// A real autoscaler process starting and draining real worker processes against the fleet's
/// gateway, database and broker. Each test runs its own autoscaler for its own endpoints (defined
/// in the fixture, served by no other worker), so worker counts are the autoscaler's alone.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class AutoscalerTests(FleetFixture fleet)
{
    [Fact]
    public async Task Burst_scales_from_zero_to_max_completes_every_job_once_and_scales_back_to_zero()
    {
        const string endpoint = FleetFixture.BurstEndpoint;
        using var autoscaler = await fleet.StartAutoscalerAsync(endpoint);
        await Eventually.True(async () => await autoscaler.DecisionAsync(endpoint) is not null, TimeSpan.FromSeconds(20), autoscaler.Tail);
        Assert.Equal(0, await autoscaler.CountAsync(endpoint));

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            fleet.SubmitAsync(endpoint, $$$"""{"input": {"echo": {{{i}}}, "sleep_s": 1}}""")));
        var peak = 0;
        await Eventually.True(async () =>
        {
            peak = Math.Max(peak, await autoscaler.CountAsync(endpoint));
            // /health counts live workers from their heartbeats: the processes really run.
            return await fleet.WorkersAsync(endpoint) == 4;
        }, TimeSpan.FromSeconds(45), autoscaler.Tail);

        await Eventually.True(async () =>
        {
            peak = Math.Max(peak, await autoscaler.CountAsync(endpoint));
            return await CountJobsAsync(endpoint, "status = 'COMPLETED'") == 40;
        }, TimeSpan.FromSeconds(60), autoscaler.Tail);
        Assert.Equal(4, peak);
        // No job was interrupted by a scale-in: each completed on its first attempt.
        Assert.Equal(0, await CountJobsAsync(endpoint, "attempt > 1 OR lease_losses > 0"));

        await Eventually.True(async () => await autoscaler.CountAsync(endpoint) == 0 && await fleet.WorkersAsync(endpoint) == 0,
            TimeSpan.FromSeconds(30), autoscaler.Tail);
        Assert.Equal(4, await autoscaler.EventsAsync(endpoint, "start"));
        Assert.Equal(4, await autoscaler.EventsAsync(endpoint, "drain"));
        Assert.Equal(0, await autoscaler.EventsAsync(endpoint, "kill"));
        // The tick after the drains reports the endpoint at rest.
        await Eventually.True(async () => (await autoscaler.DecisionAsync(endpoint))!.Value is var d
            && d.GetProperty("desired").GetInt32() == 0 && d.GetProperty("actual").GetInt32() == 0, TimeSpan.FromSeconds(5), autoscaler.Tail);
    }

    [Fact]
    public async Task An_autoscaler_restarted_after_a_kill_adopts_the_workers_left_running_and_never_runs_more_than_max()
    {
        const string endpoint = FleetFixture.AdoptionEndpoint; // 0..4 workers, REQUEST_COUNT 1, one job per worker
        using var killed = await fleet.StartAutoscalerAsync(endpoint);
        await Eventually.True(async () => await killed.DecisionAsync(endpoint) is not null, TimeSpan.FromSeconds(20), killed.Tail);
        // Two rounds of 10 s jobs: an orphan asked to drain would live on until its job ends, well past
        // the successor's first tick, and the second round runs under the successor.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            fleet.SubmitAsync(endpoint, $$$"""{"input": {"echo": {{{i}}}, "sleep_s": 10}}""")));

        // Processes, not the autoscaler's view: orphans it does not know of run jobs all the same. The
        // successor shares the log directory, so its workers are counted too.
        var peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, killed.WorkerProcessIds(endpoint).Count);
                await Task.Delay(50);
            }
        });
        await Eventually.True(async () => await CountJobsAsync(endpoint, "status = 'IN_PROGRESS'") == 4,
            TimeSpan.FromSeconds(45), killed.Tail);
        var orphans = killed.WorkerProcessIds(endpoint).Order().ToList();

        killed.Process.KillAlone();
        using var successor = await fleet.StartSuccessorAsync(killed);
        await Eventually.True(async () => await successor.DecisionAsync(endpoint) is not null, TimeSpan.FromSeconds(20), successor.Tail);
        var owned = (await successor.WorkersAsync(endpoint)).Select(w => w.GetProperty("processId").GetInt32()).Order().ToList();

        await Eventually.True(async () => await CountJobsAsync(endpoint, "status = 'COMPLETED'") == 8,
            TimeSpan.FromSeconds(60), successor.Tail);
        await Eventually.True(async () => killed.WorkerProcessIds(endpoint).Count == 0 && await fleet.WorkersAsync(endpoint) == 0,
            TimeSpan.FromSeconds(30), successor.Tail);
        await sampling.CancelAsync();
        await sampler;

        Assert.True(peak <= 4, $"{peak} worker processes ran at once for an endpoint with workersMax 4\n{successor.Tail()}");
        Assert.Equal(orphans, owned);
        Assert.Equal(0, await CountJobsAsync(endpoint, "attempt > 1 OR lease_losses > 0"));
        Assert.Equal(4, await successor.EventsAsync(endpoint, "adopt"));
        Assert.Equal(0, await successor.EventsAsync(endpoint, "start"));
        // The adopted workers left through the idle timeout, and their exits were seen (at the successor's next tick).
        Assert.Equal(4, await successor.EventsAsync(endpoint, "drain"));
        await Eventually.True(async () => (await successor.WorkersAsync(endpoint)).Count == 0, TimeSpan.FromSeconds(10), successor.Tail);
    }

    [Fact]
    public async Task Queue_delay_adds_a_worker_only_after_a_job_waited_longer_than_the_delay()
    {
        const string endpoint = FleetFixture.QueueDelayEndpoint; // min 1, max 2, QUEUE_DELAY 3 s, one job per worker
        using var autoscaler = await fleet.StartAutoscalerAsync(endpoint);
        await Eventually.True(async () => await fleet.WorkersAsync(endpoint) == 1, TimeSpan.FromSeconds(45), autoscaler.Tail);
        var busy = await fleet.SubmitAsync(endpoint, """{"input": {"echo": "busy", "sleep_s": 9}}""");
        await fleet.WaitForStatusAsync(endpoint, busy, "IN_PROGRESS", TimeSpan.FromSeconds(20));

        var waiting = await fleet.SubmitAsync(endpoint, """{"input": {"echo": "waits"}}""");
        var clock = Stopwatch.StartNew();
        await Eventually.True(async () => await autoscaler.CountAsync(endpoint) == 2, TimeSpan.FromSeconds(8), autoscaler.Tail);
        var addedAfter = clock.Elapsed;

        // The job was created just before the clock started; allow for that and the tick's rounding.
        Assert.True(addedAfter >= TimeSpan.FromSeconds(2.8), $"a worker was added after {addedAfter.TotalSeconds:0.0} s, before the 3 s delay");
        Assert.True(addedAfter < TimeSpan.FromSeconds(6), $"a worker was added only after {addedAfter.TotalSeconds:0.0} s");
        var done = await fleet.WaitForStatusAsync(endpoint, waiting, "COMPLETED", TimeSpan.FromSeconds(30));
        // It ran before the busy job ended (about 9 s), so on the added worker.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8.5), $"the waiting job completed only after {clock.Elapsed.TotalSeconds:0.0} s: {done}");
    }

    [Fact]
    public async Task Low_priority_jobs_alone_do_not_scale_up_from_zero_and_run_on_the_minimum_worker()
    {
        const string atZero = FleetFixture.LowPriorityEndpoint, atOne = FleetFixture.LowPriorityMinOneEndpoint;
        using var autoscaler = await fleet.StartAutoscalerAsync(atZero, atOne);
        await Eventually.True(async () => await fleet.WorkersAsync(atOne) == 1, TimeSpan.FromSeconds(45), autoscaler.Tail);

        const string body = """{"input": {"echo": "low", "sleep_s": 0.3}, "policy": {"lowPriority": true}}""";
        var idle = new List<string>();
        var running = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            idle.Add(await fleet.SubmitAsync(atZero, body));
            running.Add(await fleet.SubmitAsync(atOne, body));
        }

        var peak = 0;
        foreach (var job in running)
        {
            await Eventually.True(async () =>
            {
                peak = Math.Max(peak, await autoscaler.CountAsync(atOne));
                return (await fleet.StatusAsync(atOne, job)).GetProperty("status").GetString() == "COMPLETED";
            }, TimeSpan.FromSeconds(30), autoscaler.Tail);
        }

        Assert.Equal(1, peak);
        Assert.Equal(1, await autoscaler.EventsAsync(atOne, "start"));

        // The autoscaler sees the three waiting jobs tick after tick and starts nothing for them.
        await Eventually.True(async () => (await autoscaler.DecisionAsync(atZero))?.GetProperty("lowPriorityQueued").GetInt32() == 3,
            TimeSpan.FromSeconds(10), autoscaler.Tail);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var decision = (await autoscaler.DecisionAsync(atZero))!.Value;
        Assert.Equal((3, 0), (decision.GetProperty("lowPriorityQueued").GetInt32(), decision.GetProperty("desired").GetInt32()));
        Assert.Equal(0, await autoscaler.EventsAsync(atZero, "start"));
        Assert.Equal(0, await fleet.WorkersAsync(atZero));
        foreach (var job in idle)
        {
            Assert.Equal("IN_QUEUE", (await fleet.StatusAsync(atZero, job)).GetProperty("status").GetString());
        }

        (await fleet.Api.PostAsync($"v2/{atZero}/purge-queue", FleetFixture.Json(""))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_crashed_worker_is_restarted()
    {
        const string endpoint = FleetFixture.CrashEndpoint;
        using var autoscaler = await fleet.StartAutoscalerAsync(endpoint);
        await Eventually.True(async () => await fleet.WorkersAsync(endpoint) == 1, TimeSpan.FromSeconds(45), autoscaler.Tail);
        var before = (await autoscaler.WorkersAsync(endpoint)).Single();
        var pid = before.GetProperty("processId").GetInt32();

        using (var crashed = Process.GetProcessById(pid))
        {
            crashed.Kill(); // SIGKILL: a crash, not a drain
        }

        JsonElement after = default;
        await Eventually.True(async () =>
        {
            after = (await autoscaler.WorkersAsync(endpoint)).Single();
            return after.GetProperty("restarts").GetInt32() == 1 && after.GetProperty("state").GetString() == "Running";
        }, TimeSpan.FromSeconds(20), autoscaler.Tail);
        Assert.Equal(before.GetProperty("id").GetString(), after.GetProperty("id").GetString());
        Assert.NotEqual(pid, after.GetProperty("processId").GetInt32());
        Assert.Equal(1, await autoscaler.EventsAsync(endpoint, "restart"));

        var job = await fleet.SubmitAsync(endpoint, """{"input": {"echo": "after the crash"}}""");
        await fleet.WaitForStatusAsync(endpoint, job, "COMPLETED", TimeSpan.FromSeconds(45));
    }

    private async Task<long> CountJobsAsync(string endpoint, string condition)
    {
        await using var connection = new NpgsqlConnection(fleet.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM jobs WHERE endpoint_id = $1 AND ({condition})", connection);
        command.Parameters.Add(new() { Value = endpoint });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
