using Fleet.Autoscaler.Scaling;
using Fleet.Contracts.Endpoints;

namespace Fleet.UnitTests.Autoscaler;

/// <summary>The start-failure breaker: trips after the limit, per endpoint version, until a new version or a reset.</summary>
public sealed class StartFailureBreakerTests
{
    private static readonly EndpointDefinition s_endpoint = new() { Id = "summarize", Handler = "summarize", Version = 2 };
    private readonly StartFailureBreaker _breaker = new(3, TimeProvider.System);

    [Fact]
    public void Trips_at_the_third_failure_in_a_row_and_then_blocks_starts_of_that_version()
    {
        var first = _breaker.Failed("summarize", 2, "boom 1");
        Assert.Null(_breaker.Blocked(s_endpoint));
        _breaker.Failed("summarize", 2, "boom 2");
        var third = _breaker.Failed("summarize", 2, "Unhandled exception. System.InvalidOperationException: boom 3\n   at Main()");

        Assert.Equal((1, false), (first!.ConsecutiveFailures, first.Tripped));
        Assert.Equal((3, true, 2), (third!.ConsecutiveFailures, third.Tripped, third.WorkerVersion));
        Assert.Contains("3 starts in a row of version 2 failed", _breaker.Blocked(s_endpoint));
        Assert.EndsWith("System.InvalidOperationException: boom 3", _breaker.Blocked(s_endpoint));
    }

    [Fact]
    public void A_new_worker_version_starts_afresh_and_failures_of_the_old_one_no_longer_count()
    {
        for (var i = 0; i < 3; i++)
        {
            _breaker.Failed("summarize", 2, "boom");
        }

        Assert.Null(_breaker.Blocked(s_endpoint with { Version = 3 }));
        Assert.Null(_breaker.Failed("summarize", 2, "late exit of an old worker"));
        Assert.Equal(1, _breaker.Failed("summarize", 3, "boom")!.ConsecutiveFailures);
    }

    [Fact]
    public void A_ready_worker_after_failures_is_reported_once_as_zero_failures_and_resets_the_count()
    {
        _breaker.Failed("summarize", 2, "boom");
        _breaker.Failed("summarize", 2, "boom");

        var ready = _breaker.Ready("summarize", 2);

        Assert.Equal((0, false), (ready!.ConsecutiveFailures, ready.Tripped));
        Assert.Null(_breaker.Ready("summarize", 2));
        Assert.Equal(1, _breaker.Failed("summarize", 2, "boom")!.ConsecutiveFailures);
    }

    [Fact]
    public void A_trip_the_catalog_recorded_and_then_cleared_is_a_reset()
    {
        for (var i = 0; i < 3; i++)
        {
            _breaker.Failed("summarize", 2, "boom");
        }

        var recorded = s_endpoint with { StartFailures = new StartFailures(3, "boom", true, DateTimeOffset.UtcNow) };
        Assert.NotNull(_breaker.Blocked(s_endpoint)); // not recorded yet: still tripped here
        Assert.NotNull(_breaker.Blocked(recorded));

        Assert.Null(_breaker.Blocked(s_endpoint));
        Assert.Equal(1, _breaker.Failed("summarize", 2, "boom")!.ConsecutiveFailures);
    }

    [Fact]
    public void A_trip_recorded_in_the_catalog_blocks_an_autoscaler_that_saw_no_failure()
    {
        var recorded = s_endpoint with { StartFailures = new StartFailures(3, "boom", true, DateTimeOffset.UtcNow) };

        Assert.Contains("3 starts in a row", _breaker.Blocked(recorded));
        Assert.Null(_breaker.Blocked(s_endpoint with { Version = 3 }));
    }
}
