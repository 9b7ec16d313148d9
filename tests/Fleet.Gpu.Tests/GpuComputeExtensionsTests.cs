using System.Text.Json;
using Fleet.Contracts;
using Fleet.Gpu;
using Fleet.Gpu.Tests.Support;
using Fleet.Worker.Gpu;
using Fleet.Worker.Gpu.Handlers;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace Fleet.Gpu.Tests;

/// <summary>The wiring a worker host gets from one call, and jobs run through it as the worker runs them.</summary>
public sealed class GpuComputeExtensionsTests
{
    [Fact]
    public async Task A_gpu_worker_gets_the_device_the_kernels_the_model_and_three_handlers()
    {
        await using var provider = Build((s, c) => s.AddGpuDevice(c).AddGpuKernelsAndModels(c), ("Gpu:Device", "cpu"));

        var device = Assert.IsType<GpuDevice>(provider.GetRequiredService<IWorkerDevice>());
        Assert.Equal("cpu", device.Name);
        Assert.Equal(Hardware.Gpu, device.Hardware);
        Assert.Null(device.ReadMemory());
        Assert.Equal(["matmul", "mlp", "vector"], provider.GetRequiredService<JobHandlerRegistry>().Handlers.Order());
        foreach (var service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_cpu_worker_gets_the_same_handlers_on_the_cpu_and_keeps_its_own_device()
    {
        // Gpu:Device=cuda would fail at start on a machine without CUDA; the CPU variant ignores it.
        await using var provider = Build((s, c) => s.AddGpuDeviceOnCpu(c).AddGpuKernelsAndModels(c), ("Gpu:Device", "cuda"));

        Assert.IsType<CpuWorkerDevice>(provider.GetRequiredService<IWorkerDevice>());
        Assert.Equal("cpu", provider.GetRequiredService<GpuDevice>().Name);
        Assert.Equal(["matmul", "mlp", "vector"], provider.GetRequiredService<JobHandlerRegistry>().Handlers.Order());
    }

    [Fact]
    public async Task A_bad_setting_is_refused_naming_it()
    {
        await using var provider = Build((s, c) => s.AddGpuDeviceOnCpu(c).AddGpuKernelsAndModels(c), ("Gpu:MatmulMaxDim", "0"));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GpuOptions>>().Value);
        Assert.Contains("MatmulMaxDim", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("matmul", """{"a": [[1, 2], [3, 4]], "b": [[5, 6], [7, 8]]}""", """{"c":[[19,22],[43,50]]}""")]
    [InlineData("matmul", """{"a_b64": "AACAPwAAAEA=", "a_shape": [1, 2], "b": [[3], [4]]}""", """{"c":[[11]]}""")]
    [InlineData("vector", """{"op": "saxpy", "a": 2, "x": [1, 2], "y": [3, 4]}""", """{"y":[5,8]}""")]
    [InlineData("vector", """{"op": "dot", "x_b64": "AACAPwAAAEA=", "y_b64": "AABAQAAAgEA="}""", """{"result":11}""")]
    [InlineData("vector", """{"op": "sum", "x": [0.5, 0.25]}""", """{"result":0.75}""")]
    public async Task Runs_a_job_from_its_json_input_to_its_json_output(string handler, string input, string output)
    {
        await using var provider = Build((s, c) => s.AddGpuDeviceOnCpu(c).AddGpuKernelsAndModels(c));
        Assert.True(provider.GetRequiredService<JobHandlerRegistry>().TryGet(handler, out var invoker));

        var result = await invoker.InvokeAsync(provider, JsonDocument.Parse(input).RootElement, Jobs.Context(), CancellationToken.None);

        Assert.Equal(output, result.GetRawText());
    }

    [Fact]
    public async Task Runs_an_mlp_job_from_its_json_input()
    {
        await using var provider = Build((s, c) => s.AddGpuDeviceOnCpu(c).AddGpuKernelsAndModels(c));
        Assert.True(provider.GetRequiredService<JobHandlerRegistry>().TryGet("mlp", out var invoker));
        var input = JsonSerializer.SerializeToElement(new { inputs = new[] { new float[64], new float[64] } });

        var result = await invoker.InvokeAsync(provider, input, Jobs.Context(), CancellationToken.None);

        var outputs = result.GetProperty("outputs");
        Assert.Equal(2, outputs.GetArrayLength());
        Assert.All(outputs.EnumerateArray(), row => Assert.Equal(16, row.GetArrayLength()));
    }

    private static ServiceProvider Build(Action<IServiceCollection, IConfiguration> addCompute, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))
                .Append(KeyValuePair.Create("Gpu:DataDirectory", (string?)Path.GetDirectoryName(TestModels.NewPath("di")))))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        // What the worker SDK registers for every worker, before the host adds its compute.
        services.AddSingleton<IWorkerDevice, CpuWorkerDevice>();
        services.AddSingleton<JobHandlerRegistry>();
        // What FleetFunctions.RunAsync registers: the functions declared in the worker's assembly.
        services.AddFleetFunctions(typeof(MlpHandler).Assembly);
        addCompute(services, configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
