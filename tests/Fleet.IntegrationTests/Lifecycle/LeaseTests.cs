using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Lifecycle;

/// <summary>Leases: a running job's worker holds it while it lives, and only while it lives.</summary>
[Collection(FleetCollection.Name)]
public sealed class LeaseTests(FleetFixture fleet)
{
    private const string Chaos = FleetFixture.ChaosEndpoint;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private async Task<(FleetProcess Process, string Id)> StartChaosWorkerAsync(string name, params (string Key, string Value)[] settings)
    {
        var (process, id) = fleet.StartEndpointWorker(name, Chaos, settings);
        await fleet.WaitForWorkerAsync(process, id);
        return (process, id);
    }

    [Fact]
    public async Task A_job_longer_than_its_lease_keeps_it_through_heartbeats_and_runs_once()
    {
        // Longer than the lease, and held by its worker's heartbeats (its message was acked at start).
        var seconds = FleetFixture.Lease.TotalSeconds + 2;
        var id = await fleet.SubmitAsync("echo", $$$"""{"input": {"sleep_s": {{{seconds}}}}}""");

        var done = await fleet.WaitForStatusAsync("echo", id, "COMPLETED", s_timeout);

        Assert.Equal(1, done.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_hung_workers_job_runs_again_as_a_new_attempt_and_its_late_result_is_ignored()
    {
        var (hung, hungId) = await StartChaosWorkerAsync("hung");
        using var _ = hung;
        var id = await fleet.SubmitAsync(Chaos, """{"input": {"sleep_s": 1.5, "echo": "once"}}""");
        await fleet.WaitForStatusAsync(Chaos, id, "IN_PROGRESS", s_timeout);

        // Frozen: no heartbeat renews the lease, so it runs out and the job is queued again.
        hung.Freeze();
        var (rescuer, rescuerId) = await StartChaosWorkerAsync("rescuer");
        using var __ = rescuer;
        var done = await fleet.WaitForStatusAsync(Chaos, id, "COMPLETED", s_timeout + FleetFixture.Lease);
        Assert.Equal(2, done.GetProperty("attempts").GetInt32());
        Assert.Equal(rescuerId, done.GetProperty("workerId").GetString());

        // Thawed, the hung worker learns that attempt 1 was superseded and stops it, or (if its
        // handler got there first) reports it: either way the gateway keeps attempt 2's result.
        hung.Thaw();
        await Eventually.True(() => Task.FromResult(hung.Output.Any(l =>
                l.Contains($"Job {id} attempt 1 reported JobSucceeded", StringComparison.Ordinal)
                || l.Contains($"Job {id} attempt 1 was stopped", StringComparison.Ordinal))),
            s_timeout, () => hung.Tail());
        await Task.Delay(500);
        var after = await fleet.StatusAsync(Chaos, id);
        Assert.Equal(2, after.GetProperty("attempts").GetInt32());
        Assert.Equal(rescuerId, after.GetProperty("workerId").GetString());
        Assert.NotEqual(hungId, after.GetProperty("workerId").GetString());
        Assert.Equal(done.GetProperty("executionTime").GetInt64(), after.GetProperty("executionTime").GetInt64());
        hung.Stop(TimeSpan.FromSeconds(10));
        rescuer.Stop(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_job_longer_than_the_detach_limit_lets_its_message_go_and_completes_on_its_lease()
    {
        var (worker, workerId) = await StartChaosWorkerAsync("detaching", ("Worker__DetachAfter", "00:00:01"));
        using var _ = worker;
        var id = await fleet.SubmitAsync(Chaos, """{"input": {"sleep_s": 3}}""");

        var done = await fleet.WaitForStatusAsync(Chaos, id, "COMPLETED", s_timeout);

        Assert.Equal(1, done.GetProperty("attempts").GetInt32());
        Assert.Equal(workerId, done.GetProperty("workerId").GetString());
        Assert.Contains(worker.Output, l => l.Contains($"Job {id} attempt 1 has run", StringComparison.Ordinal)
            && l.Contains("its message is acknowledged", StringComparison.Ordinal));
        worker.Stop(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_handler_that_ignores_its_cancellation_is_stopped_by_its_worker_exiting_after_the_grace_period()
    {
        var (worker, id) = fleet.StartEndpointWorker("runaway", FleetFixture.RunawayEndpoint, ("Worker__CancelGrace", "00:00:01"));
        using var _ = worker;
        await fleet.WaitForWorkerAsync(worker, id);
        var job = await fleet.SubmitAsync(FleetFixture.RunawayEndpoint, """{"input": {"sleep_s": 120, "ignore_cancel": true}}""");
        await fleet.WaitForStatusAsync(FleetFixture.RunawayEndpoint, job, "IN_PROGRESS", s_timeout);

        using var cancel = await fleet.Api.PostAsync($"v2/{FleetFixture.RunawayEndpoint}/cancel/{job}", FleetFixture.Json(""));
        cancel.EnsureSuccessStatusCode();

        await Eventually.True(() => Task.FromResult(worker.HasExited), TimeSpan.FromSeconds(20), () => worker.Tail());
        Assert.Equal(75, worker.ExitCode);
        Assert.Contains(worker.Output, l => l.Contains($"The handler of job {job} ignored its cancellation", StringComparison.Ordinal));
        Assert.Equal("CANCELLED", (await fleet.StatusAsync(FleetFixture.RunawayEndpoint, job)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_stopping_worker_finishes_its_running_job_before_it_exits()
    {
        var (worker, workerId) = await StartChaosWorkerAsync("draining");
        using var _ = worker;
        var id = await fleet.SubmitAsync(Chaos, """{"input": {"sleep_s": 2}}""");
        await fleet.WaitForStatusAsync(Chaos, id, "IN_PROGRESS", s_timeout);

        worker.Stop(TimeSpan.FromSeconds(30));

        Assert.True(worker.HasExited);
        Assert.Equal(0, worker.ExitCode);
        var done = await fleet.WaitForStatusAsync(Chaos, id, "COMPLETED", TimeSpan.FromSeconds(10));
        Assert.Equal(1, done.GetProperty("attempts").GetInt32());
        Assert.Equal(workerId, done.GetProperty("workerId").GetString());
    }
}
