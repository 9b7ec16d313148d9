using Fleet.Gpu;
using Fleet.Worker.Gpu.Kernels;
using Fleet.Worker.Gpu.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Gpu;

public static class GpuComputeExtensions
{
    /// <summary>
    /// The GPU worker's compute: the device (<see cref="GpuDeviceExtensions.AddFleetGpu"/>: CUDA
    /// where present, else the CPU; the CPU for a worker started with <c>Worker:Hardware=Cpu</c>),
    /// the ILGPU kernels and the MLP (section <c>Gpu</c>), built before the worker reports ready.
    /// </summary>
    public static IHostApplicationBuilder AddGpuCompute(this IHostApplicationBuilder builder)
    {
        builder.AddFleetGpu();
        AddCompute(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>The kernels and the MLP on an already registered <see cref="GpuDevice"/>.</summary>
    public static IServiceCollection AddGpuKernelsAndModels(this IServiceCollection services, IConfiguration configuration)
    {
        AddCompute(services, configuration);
        return services;
    }

    private static void AddCompute(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GpuOptions>()
            .Bind(configuration.GetSection(GpuOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<MatmulKernel>();
        services.AddSingleton<VectorKernels>();
        services.AddSingleton(sp => MlpModelFactory.Create(
            sp.GetRequiredService<IOptions<GpuOptions>>().Value,
            sp.GetRequiredService<GpuDevice>().TorchDevice,
            sp.GetRequiredService<ILogger<MlpModel>>()));
        services.AddHostedService<GpuComputeWarmup>();
    }
}
