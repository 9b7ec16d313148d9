using System.Text.Json;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.Gpu;
using Fleet.ServiceDefaults;
using Fleet.Worker.Gpu.Handlers;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace Fleet.Gpu.Tests.Functions;

/// <summary>Fleet's GPU functions are declared as a user's are, and Fleet.Gpu gives a worker its device by its pool.</summary>
public sealed class GpuFunctionTests
{
    [Theory]
    [InlineData(typeof(MlpHandler), "mlp")]
    [InlineData(typeof(MatmulHandler), "matmul")]
    [InlineData(typeof(VectorHandler), "vector")]
    public void Each_is_declared_with_the_resources_infra_endpoints_json_gives_it(Type handler, string endpoint)
    {
        var declared = FunctionDeclaration.From(handler).ToEndpointDefinition();

        Assert.Equal(InfraEndpoints().Single(e => e.Id == endpoint), declared);
    }

    [Fact]
    public void The_vector_input_schema_declares_its_operations_and_encodings()
    {
        var schema = FunctionDeclaration.From(typeof(VectorHandler)).ToManifest().InputSchema!.Value;
        var properties = schema.GetProperty("properties");

        Assert.Equal(["saxpy", "dot", "sum"], properties.GetProperty("op").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["op"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("base64", properties.GetProperty("x_b64").GetProperty("contentEncoding").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public void A_worker_of_a_gpu_pool_computes_on_the_gpu_device_and_reports_it()
    {
        using var services = AddFleetGpu(("Gpu:Device", "cpu"));

        var device = Assert.IsType<GpuDevice>(services.GetRequiredService<IWorkerDevice>());
        Assert.Equal(Hardware.Gpu, device.Hardware);
    }

    [Fact]
    public void A_worker_started_for_a_cpu_pool_stays_a_cpu_worker_with_the_device_on_the_cpu()
    {
        // Gpu:Device=cuda would fail without CUDA: a CPU pool's worker ignores it.
        using var services = AddFleetGpu(("Worker:Hardware", "Cpu"), ("Gpu:Device", "cuda"));

        Assert.IsType<CpuWorkerDevice>(services.GetRequiredService<IWorkerDevice>());
        Assert.Equal("cpu", services.GetRequiredService<GpuDevice>().Name);
        Assert.Equal(GpuDeviceMode.Cpu, services.GetRequiredService<IOptions<GpuDeviceOptions>>().Value.Device);
    }

    private static ServiceProvider AddFleetGpu(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IWorkerDevice, CpuWorkerDevice>();
        builder.AddFleetGpu();
        return builder.Services.BuildServiceProvider();
    }

    private static IReadOnlyList<EndpointDefinition> InfraEndpoints()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Fleet.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("Fleet.sln not found");
        }

        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(root.FullName, "infra", "endpoints.json")).Build();
        return configuration.GetSection(FleetNames.EndpointsSection).Get<FleetOptions>()!.Endpoints;
    }
}
