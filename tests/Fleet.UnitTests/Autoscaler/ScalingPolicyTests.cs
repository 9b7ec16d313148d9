using Fleet.Autoscaler.Scaling;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;

namespace Fleet.UnitTests.Autoscaler;

public sealed class ScalingPolicyTests
{
    private static readonly EndpointDefinition s_requestCount = new()
    {
        Id = "burst", Handler = "echo", WorkersMin = 0, WorkersMax = 4, IdleTimeoutSeconds = 5,
        ScalerType = ScalerType.RequestCount, ScalerValue = 1,
    };

    private static readonly EndpointDefinition s_queueDelay = s_requestCount with { Id = "delay", ScalerType = ScalerType.QueueDelay, ScalerValue = 4 };

    private static WorkerPool Pool(EndpointDefinition endpoint) => new(endpoint, endpoint.Hardware);

    private static PoolSignals Signals(int queued = 0, int inProgress = 0, int broker = 0, double? oldest = null, int lowPriority = 0) =>
        new(queued, inProgress, broker, oldest, lowPriority, 0);

    private static PoolWorker Idle(string id, double seconds, int version = 0) => new(id, PoolWorkerState.Ready, 0, seconds, version);

    private static PoolWorker Busy(string id, int running = 1, int version = 0) => new(id, PoolWorkerState.Ready, running, null, version);

    private static PoolWorker In(PoolWorkerState state, string id, int version = 0) => new(id, state, 0, null, version);

    [Fact]
    public void Request_count_starts_up_to_max_for_a_burst_from_zero()
    {
        var decision = ScalingPolicy.Decide(Pool(s_requestCount), Signals(queued: 40), []);

        Assert.Equal((0, 4, 4), (decision.Actual, decision.Desired, decision.ToStart));
        Assert.Contains("capped at workersMax 4", decision.Reason);
    }

    [Theory]
    [InlineData(9, 0, 0, 2)]
    [InlineData(8, 0, 0, 1)]
    [InlineData(3, 6, 0, 2)]
    [InlineData(0, 0, 17, 3)]
    [InlineData(2, 1, 1, 1)]
    public void Request_count_targets_ceil_of_queued_plus_in_progress_over_the_value(int queued, int inProgress, int broker, int desired)
    {
        var endpoint = s_requestCount with { ScalerValue = 8, WorkersMax = 10 };

        var decision = ScalingPolicy.Decide(Pool(endpoint), Signals(queued, inProgress, broker), []);

        Assert.Equal(desired, decision.Desired);
    }

    [Theory]
    [InlineData(ScalerType.RequestCount)]
    [InlineData(ScalerType.QueueDelay)]
    public void Low_priority_jobs_alone_start_no_worker(string scalerType)
    {
        var decision = ScalingPolicy.Decide(Pool(s_requestCount with { ScalerType = scalerType }), Signals(lowPriority: 25), []);

        Assert.Equal((0, 0), (decision.Desired, decision.ToStart));
    }

    [Fact]
    public void Workers_min_is_kept_with_nothing_to_do()
    {
        var decision = ScalingPolicy.Decide(Pool(s_requestCount with { WorkersMin = 1 }), Signals(lowPriority: 3), []);

        Assert.Equal((1, 1), (decision.Desired, decision.ToStart));
        Assert.Contains("held at workersMin 1", decision.Reason);
    }

    [Fact]
    public void Only_workers_idle_for_the_timeout_are_drained()
    {
        var decision = ScalingPolicy.Decide(Pool(s_requestCount), Signals(), [Idle("a", 1), Idle("b", 12), Idle("c", 5)]);

        Assert.Equal(0, decision.Desired);
        Assert.Equal(["b", "c"], decision.ToDrain);
    }

    [Fact]
    public void A_worker_running_a_job_is_never_drained_even_when_fewer_are_wanted()
    {
        // The job table already shows nothing in progress while the heartbeat still shows the job.
        var decision = ScalingPolicy.Decide(Pool(s_requestCount), Signals(), [Busy("a"), In(PoolWorkerState.Starting, "b")]);

        Assert.Equal(0, decision.Desired);
        Assert.Empty(decision.ToDrain);
    }

    [Fact]
    public void Scale_in_never_goes_below_workers_min_and_drains_the_longest_idle_first()
    {
        var endpoint = s_requestCount with { WorkersMin = 2 };

        var decision = ScalingPolicy.Decide(Pool(endpoint), Signals(), [Idle("a", 30), Idle("b", 60), Idle("c", 45)]);

        Assert.Equal(["b"], decision.ToDrain);
    }

    [Fact]
    public void Removals_never_exceed_actual_minus_desired()
    {
        var decision = ScalingPolicy.Decide(Pool(s_requestCount), Signals(queued: 2), [Idle("a", 30), Idle("b", 60), Idle("c", 45)]);

        Assert.Equal(2, decision.Desired);
        Assert.Equal(["b"], decision.ToDrain);
    }

    [Fact]
    public void A_crashed_worker_waiting_for_its_restart_goes_first_when_fewer_are_wanted()
    {
        var decision = ScalingPolicy.Decide(Pool(s_requestCount), Signals(), [Idle("a", 60), In(PoolWorkerState.Restarting, "b")]);

        Assert.Equal(["b", "a"], decision.ToDrain);
    }

    [Fact]
    public void A_crashed_worker_is_restarted_while_it_is_still_wanted()
    {
        var decision = ScalingPolicy.Decide(Pool(s_requestCount with { WorkersMin = 1 }), Signals(), [In(PoolWorkerState.Restarting, "a")]);

        Assert.Equal((1, 1, 0), (decision.Actual, decision.Desired, decision.ToStart));
        Assert.Empty(decision.ToDrain);
    }

    [Fact]
    public void Draining_workers_are_not_counted()
    {
        var decision = ScalingPolicy.Decide(Pool(s_requestCount), Signals(queued: 1), [In(PoolWorkerState.Draining, "a")]);

        Assert.Equal((0, 1, 1), (decision.Actual, decision.Desired, decision.ToStart));
    }

    [Fact]
    public void Queue_delay_starts_the_first_worker_at_once_from_zero()
    {
        var decision = ScalingPolicy.Decide(Pool(s_queueDelay), Signals(queued: 1, oldest: 0.2), []);

        Assert.Equal((1, 1), (decision.Desired, decision.ToStart));
        Assert.Contains("cold start", decision.Reason);
    }

    [Fact]
    public void Queue_delay_adds_no_worker_before_the_delay()
    {
        var decision = ScalingPolicy.Decide(Pool(s_queueDelay), Signals(queued: 5, inProgress: 1, oldest: 3.9), [Busy("a")]);

        Assert.Equal((1, 0), (decision.Desired, decision.ToStart));
    }

    [Fact]
    public void Queue_delay_adds_one_worker_once_a_job_waited_longer_than_the_delay()
    {
        var decision = ScalingPolicy.Decide(Pool(s_queueDelay), Signals(queued: 5, inProgress: 2, oldest: 4.1), [Busy("a"), Busy("b")]);

        Assert.Equal((3, 1), (decision.Desired, decision.ToStart));
    }

    [Fact]
    public void Queue_delay_waits_for_a_starting_worker_before_adding_another()
    {
        var decision = ScalingPolicy.Decide(Pool(s_queueDelay), Signals(queued: 5, oldest: 9), [Busy("a"), In(PoolWorkerState.Starting, "b")]);

        Assert.Equal((2, 0), (decision.Desired, decision.ToStart));
    }

    [Fact]
    public void Queue_delay_stays_within_workers_max()
    {
        var endpoint = s_queueDelay with { WorkersMax = 2 };

        var decision = ScalingPolicy.Decide(Pool(endpoint), Signals(queued: 5, oldest: 30), [Busy("a"), Busy("b")]);

        Assert.Equal((2, 0), (decision.Desired, decision.ToStart));
    }

    [Fact]
    public void Queue_delay_with_nothing_waiting_keeps_busy_workers_and_drains_idle_ones()
    {
        var decision = ScalingPolicy.Decide(Pool(s_queueDelay), Signals(inProgress: 1, broker: 1), [Busy("a"), Idle("b", 6), Idle("c", 2)]);

        Assert.Equal(1, decision.Desired);
        Assert.Equal(["b"], decision.ToDrain);
    }

    [Fact]
    public void Queue_delay_scales_to_zero_after_the_idle_timeout()
    {
        Assert.Empty(ScalingPolicy.Decide(Pool(s_queueDelay), Signals(), [Idle("a", 4.9)]).ToDrain);
        Assert.Equal(["a"], ScalingPolicy.Decide(Pool(s_queueDelay), Signals(), [Idle("a", 5)]).ToDrain);
    }

    [Fact]
    public void A_cpu_fallback_pool_may_be_empty_whatever_the_endpoint_minimum()
    {
        var gpu = s_requestCount with { Hardware = Hardware.Gpu, CpuFallback = true, WorkersMin = 1 };

        var pools = WorkerPool.Of(gpu).ToList();

        Assert.Equal(["gpu", "cpu-fallback"], pools.Select(p => p.Kind));
        Assert.Equal([1, 0], pools.Select(p => p.Min));
        Assert.Equal(0, ScalingPolicy.Decide(pools[1], Signals(), []).Desired);
    }

    [Fact]
    public void A_new_version_starts_its_workers_beside_the_old_ones_which_are_not_counted()
    {
        var endpoint = s_requestCount with { Version = 2 };

        var decision = ScalingPolicy.Decide(Pool(endpoint), Signals(inProgress: 2), [Busy("a", version: 1), Busy("b", version: 1)]);

        Assert.Equal((0, 2, 2), (decision.Actual, decision.Desired, decision.ToStart));
        Assert.Empty(decision.ToDrain);
        Assert.Contains("rolling out version 2", decision.Reason);
    }

    [Fact]
    public void Old_version_workers_drain_once_a_worker_of_the_new_version_is_ready()
    {
        var endpoint = s_queueDelay with { Version = 3, WorkersMin = 1 };

        var starting = ScalingPolicy.Decide(
            Pool(endpoint), Signals(inProgress: 1), [Busy("old", version: 2), In(PoolWorkerState.Starting, "new", 3)]);
        var ready = ScalingPolicy.Decide(Pool(endpoint), Signals(inProgress: 1), [Busy("old", version: 2), Idle("new", 0.5, 3)]);

        Assert.Empty(starting.ToDrain);
        Assert.Equal(0, starting.ToStart);
        Assert.Equal(["old"], ready.ToDrain);
        Assert.Equal(0, ready.ToStart);
    }

    [Fact]
    public void An_old_version_pool_at_rest_still_gets_one_worker_of_the_new_version_before_it_goes()
    {
        var endpoint = s_queueDelay with { Version = 2 };

        var decision = ScalingPolicy.Decide(Pool(endpoint), Signals(), [Idle("old", 1, version: 1)]);

        Assert.Equal((1, 1), (decision.Desired, decision.ToStart));
        Assert.Empty(decision.ToDrain);
    }

    [Fact]
    public void Old_version_workers_drain_at_once_when_the_new_version_scales_to_zero()
    {
        var endpoint = s_requestCount with { Version = 2, WorkersMax = 0 };

        var decision = ScalingPolicy.Decide(Pool(endpoint), Signals(queued: 3), [Busy("a", version: 1), In(PoolWorkerState.Starting, "b", 1)]);

        Assert.Equal((0, 0), (decision.Desired, decision.ToStart));
        Assert.Equal(["a", "b"], decision.ToDrain);
    }

    [Fact]
    public void A_crashed_old_version_worker_is_not_restarted_during_a_rollout()
    {
        var endpoint = s_requestCount with { Version = 2, WorkersMin = 1 };

        var decision = ScalingPolicy.Decide(
            Pool(endpoint), Signals(), [In(PoolWorkerState.Restarting, "old", 1), In(PoolWorkerState.Starting, "new", 2)]);

        Assert.Equal(["old"], decision.ToDrain);
        Assert.Equal(0, decision.ToStart);
    }

    [Fact]
    public void Draining_old_version_workers_count_for_nothing()
    {
        var endpoint = s_requestCount with { Version = 2, WorkersMin = 1 };

        var decision = ScalingPolicy.Decide(Pool(endpoint), Signals(), [In(PoolWorkerState.Draining, "old", 1), Idle("new", 1, 2)]);

        Assert.Equal((1, 1, 0), (decision.Actual, decision.Desired, decision.ToStart));
        Assert.Empty(decision.ToDrain);
        Assert.DoesNotContain("rolling out", decision.Reason);
    }

    [Fact]
    public void A_pool_is_the_same_pool_across_settings_and_versions_of_its_endpoint()
    {
        var before = Pool(s_requestCount with { Version = 1 });
        var after = Pool(s_requestCount with { Version = 2, WorkersMax = 9, Env = new Dictionary<string, string> { ["A"] = "b" } });
        var gpu = WorkerPool.Of(s_requestCount with { Hardware = Hardware.Gpu, CpuFallback = true }).ToList();

        Assert.Equal(before, after);
        Assert.Equal(before.GetHashCode(), after.GetHashCode());
        Assert.NotEqual(gpu[0], gpu[1]);
    }
}
