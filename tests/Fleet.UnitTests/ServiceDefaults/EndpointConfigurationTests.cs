using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.ServiceDefaults;
using Fleet.Worker.Cpu.Handlers;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fleet.UnitTests.ServiceDefaults;

public sealed class EndpointConfigurationTests
{
    private static readonly EndpointDefinition s_valid = new() { Id = "embed", Handler = "embed-text" };

    [Fact]
    public void Catalog_adds_the_built_in_echo_endpoint()
    {
        var catalog = new EndpointCatalog(Options.Create(new FleetOptions { Endpoints = [s_valid] }));

        Assert.True(catalog.TryGet("echo", out var echo));
        Assert.Equal(Hardware.Cpu, echo.Hardware);
        Assert.Equal(["embed", "echo"], catalog.All.Select(e => e.Id));
    }

    [Fact]
    public void Catalog_keeps_a_configured_echo_instead_of_the_built_in_one()
    {
        var catalog = new EndpointCatalog(Options.Create(new FleetOptions { Endpoints = [s_valid with { Id = "echo", Handler = "echo", WorkersMax = 7 }] }));

        Assert.True(catalog.TryGet("echo", out var echo));
        Assert.Equal(7, echo.WorkersMax);
        Assert.Single(catalog.All);
    }

    [Fact]
    public void Validator_accepts_a_valid_definition()
    {
        Assert.True(new FleetOptionsValidator().Validate(null, new FleetOptions { Endpoints = [s_valid] }).Succeeded);
    }

    [Theory]
    [InlineData("Id", "has space", "name")]
    [InlineData("Id", "", "name")]
    [InlineData("Id", "batch", "name")]
    [InlineData("Handler", "", "handler")]
    [InlineData("WorkersMax", "-1", "workersMax")]
    [InlineData("ExecutionTimeoutMs", "10", "executionTimeoutMs")]
    [InlineData("MaxAttempts", "0", "maxAttempts")]
    [InlineData("ScalerType", "QUEUE_LENGTH", "scalerType")]
    [InlineData("ConcurrencyPerWorker", "0", "concurrencyPerWorker")]
    public void Validator_names_the_endpoint_and_the_field_at_fault(string field, string value, string named)
    {
        var bad = field switch
        {
            "Id" => s_valid with { Id = value },
            "Handler" => s_valid with { Handler = value },
            "WorkersMax" => s_valid with { WorkersMax = int.Parse(value) },
            "ExecutionTimeoutMs" => s_valid with { ExecutionTimeoutMs = int.Parse(value) },
            "MaxAttempts" => s_valid with { MaxAttempts = int.Parse(value) },
            "ScalerType" => s_valid with { ScalerType = value },
            _ => s_valid with { ConcurrencyPerWorker = int.Parse(value) },
        };

        var result = new FleetOptionsValidator().Validate(null, new FleetOptions { Endpoints = [bad] });

        Assert.True(result.Failed);
        Assert.Contains($"Fleet:Endpoints[{bad.Id}].{named}:", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_refuses_an_endpoint_defined_twice()
    {
        var result = new FleetOptionsValidator().Validate(null, new FleetOptions { Endpoints = [s_valid, s_valid] });

        Assert.Contains("twice", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cpu_worker_serves_its_own_endpoints_and_the_cpu_fallback_of_gpu_endpoints()
    {
        var endpoints = new List<EndpointDefinition>
        {
            new() { Id = "echo", Handler = "echo" },
            new() { Id = "echo-gpu-fallback", Handler = "echo", Hardware = Hardware.Gpu, CpuFallback = true },
            new() { Id = "echo-gpu-only", Handler = "echo", Hardware = Hardware.Gpu },
            new() { Id = "embed", Handler = "embed-text" },
        };

        var served = Served(endpoints, new WorkerOptions());

        Assert.Equal(["fleet.jobs.cpu.echo", "fleet.jobs.cpu.echo-gpu-fallback"], served.Queues);
        Assert.Equal(128, served.Capacity);
    }

    [Fact]
    public void A_worker_told_to_serve_an_endpoint_it_cannot_run_refuses_to_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Served([new() { Id = "embed", Handler = "embed-text" }], new WorkerOptions { Endpoints = ["embed"] }));

        Assert.Contains("embed", error.Message, StringComparison.Ordinal);
    }

    private static ServedEndpoints Served(List<EndpointDefinition> endpoints, WorkerOptions worker)
    {
        var services = new ServiceCollection().AddJobHandler<EchoHandler>().BuildServiceProvider();
        var registry = new JobHandlerRegistry(services.GetServices<JobHandlerInvoker>());
        var withConcurrency = endpoints.Select(e => e with { ConcurrencyPerWorker = 64 }).ToList();
        return new ServedEndpoints(
            new EndpointCatalog(Options.Create(new FleetOptions { Endpoints = withConcurrency })), registry, new CpuWorkerDevice(), Options.Create(worker));
    }
}
