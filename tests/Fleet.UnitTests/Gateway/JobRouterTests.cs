using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.Gateway.Routing;
using Fleet.Gateway.Workers;

namespace Fleet.UnitTests.Gateway;

public sealed class JobRouterTests
{
    private static readonly EndpointDefinition s_mlp = new() { Id = "mlp", Handler = "mlp", Hardware = Hardware.Gpu };

    private readonly LiveWorkers _workers = new(TimeProvider.System);
    private readonly List<LiveWorker> _live = [];

    private JobRouter Router => new(_workers);

    private void Beat(string id, long? freeMb, string endpoint = "mlp", Hardware hardware = Hardware.Gpu)
    {
        _live.Add(new LiveWorker(id, hardware, "cuda:0", [endpoint], 1, 0, freeMb, freeMb, DateTimeOffset.UtcNow, 0, []));
        _workers.Update([.. _live]);
    }

    [Fact]
    public void A_cpu_endpoint_goes_to_its_cpu_queue()
    {
        var route = Router.Route(new EndpointDefinition { Id = "echo", Handler = "echo" }, null, null);

        Assert.Equal("fleet.jobs.cpu.echo", route.Queue);
    }

    [Fact]
    public void A_gpu_job_without_a_memory_need_goes_to_the_gpu_queue_even_with_no_worker_alive()
    {
        var route = Router.Route(s_mlp, null, null);

        Assert.Equal("fleet.jobs.gpu.mlp", route.Queue);
    }

    [Fact]
    public void A_job_goes_to_the_gpu_when_a_live_worker_reports_enough_free_memory()
    {
        Beat("gpu-small", 1024);
        Beat("gpu-big", 8192);

        var route = Router.Route(s_mlp, null, 2048);

        Assert.Equal("fleet.jobs.gpu.mlp", route.Queue);
        Assert.Contains("gpu-big", route.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Memory_of_workers_serving_other_endpoints_or_cpu_workers_does_not_count()
    {
        Beat("gpu-other", 8192, endpoint: "embed");
        Beat("cpu-1", 8192, hardware: Hardware.Cpu);

        var route = Router.Route(s_mlp, null, 2048);

        Assert.Null(route.Queue);
    }

    [Fact]
    public void Without_enough_gpu_memory_a_job_falls_back_to_the_cpu_when_the_endpoint_allows_it()
    {
        Beat("gpu-small", 1024);

        var route = Router.Route(s_mlp with { CpuFallback = true }, null, 2048);

        Assert.Equal("fleet.jobs.cpu.mlp", route.Queue);
        Assert.Equal("cpu fallback: no GPU worker with 2048 MB free", route.Reason);
    }

    [Fact]
    public void Without_enough_gpu_memory_and_no_fallback_a_job_waits_and_says_why()
    {
        Beat("gpu-small", 1024);

        var route = Router.Route(s_mlp, null, 2048);

        Assert.Null(route.Queue);
        Assert.Equal("no GPU worker with 2048 MB free", route.Reason);
    }

    [Fact]
    public void The_endpoints_own_memory_need_applies_when_the_job_names_none()
    {
        var route = Router.Route(s_mlp with { MinGpuMemoryMb = 512 }, null, null);

        Assert.Equal("no GPU worker with 512 MB free", route.Reason);
    }

    [Fact]
    public void A_job_that_does_not_prefer_the_gpu_goes_to_the_cpu_queue_of_a_fallback_endpoint()
    {
        Beat("gpu-big", 8192);

        var route = Router.Route(s_mlp with { CpuFallback = true }, preferGpu: false, 0);

        Assert.Equal("fleet.jobs.cpu.mlp", route.Queue);
    }
}
