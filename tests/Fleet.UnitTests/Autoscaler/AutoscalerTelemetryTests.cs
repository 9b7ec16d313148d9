using Fleet.Autoscaler.Scaling;
using Fleet.Autoscaler.Telemetry;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;

namespace Fleet.UnitTests.Autoscaler;

public sealed class AutoscalerTelemetryTests
{
    private static readonly EndpointDefinition s_endpoint = new() { Id = "summarize", Handler = "echo" };

    [Fact]
    public void Forgets_a_deleted_pools_decision_at_once_and_its_counts_once_its_workers_are_gone()
    {
        using var telemetry = new AutoscalerTelemetry();
        var kept = new WorkerPool(s_endpoint with { Id = "kept" }, Hardware.Cpu);
        var deleted = new WorkerPool(s_endpoint with { Id = "deleted" }, Hardware.Cpu);
        foreach (var pool in new[] { kept, deleted })
        {
            telemetry.Record(new PoolReport(pool.Endpoint.Id, pool.Kind, pool.Queue, 1, ScalerType.QueueDelay, 4, 0, 1, 0, 0, 0, null, 0,
                0, 1, 1, "", DateTimeOffset.UtcNow));
            telemetry.Count(pool, "start");
        }

        telemetry.Retain([kept], [kept, deleted]);
        Assert.Equal(["kept"], telemetry.Latest().Select(r => r.Endpoint));
        Assert.Equal(1, telemetry.Events("deleted", "start"));

        telemetry.Retain([kept], [kept]);
        Assert.Equal(0, telemetry.Events("deleted", "start"));
        Assert.Equal(1, telemetry.Events("kept", "start"));
        Assert.DoesNotContain("deleted", telemetry.ToPrometheusText(), StringComparison.Ordinal);
    }
}
