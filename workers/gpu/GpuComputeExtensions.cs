using Fleet.Worker.Gpu.Devices;
using Fleet.Worker.Gpu.Handlers;
using Fleet.Worker.Gpu.Kernels;
using Fleet.Worker.Gpu.Models;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Gpu;

public static class GpuComputeExtensions
{
    /// <summary>
    /// The GPU worker's compute: the device (CUDA where present, else the CPU; section <c>Gpu</c>),
    /// registered as this worker's <see cref="IWorkerDevice"/>; the ILGPU kernels and the MLP,
    /// loaded at start; and the <c>mlp</c>, <c>matmul</c> and <c>vector</c> handlers.
    /// </summary>
    public static IServiceCollection AddGpuCompute(this IServiceCollection services, IConfiguration configuration)
    {
        AddCompute(services, configuration, forceCpu: false);
        services.RemoveAll<IWorkerDevice>();
        services.AddSingleton<IWorkerDevice>(sp => sp.GetRequiredService<GpuWorkerDevice>());
        return services;
    }

    /// <summary>
    /// The same handlers for a CPU worker (an endpoint's CPU fallback): kernels on ILGPU's CPU
    /// accelerator and the MLP on TorchSharp's CPU backend, whatever <c>Gpu:Device</c> says.
    /// The worker's own <see cref="IWorkerDevice"/> is left as it is.
    /// </summary>
    public static IServiceCollection AddGpuComputeOnCpu(this IServiceCollection services, IConfiguration configuration)
    {
        AddCompute(services, configuration, forceCpu: true);
        return services;
    }

    private static void AddCompute(IServiceCollection services, IConfiguration configuration, bool forceCpu)
    {
        services.AddOptions<GpuOptions>()
            .Bind(configuration.GetSection(GpuOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (forceCpu)
        {
            services.PostConfigure<GpuOptions>(o => o.Device = GpuDeviceMode.Cpu);
        }

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GpuOptions>>().Value;
            var device = GpuWorkerDevice.Create(options.Device, options.AdvertisedMemoryMb);
            sp.GetRequiredService<ILogger<GpuWorkerDevice>>().LogInformation(
                "Compute device {Device} ({Accelerator}), Gpu:Device={Mode}", device.Name, device.Accelerator.Name, options.Device);
            return device;
        });
        services.AddSingleton<MatmulKernel>();
        services.AddSingleton<VectorKernels>();
        services.AddSingleton(sp => MlpModelFactory.Create(
            sp.GetRequiredService<IOptions<GpuOptions>>().Value,
            sp.GetRequiredService<GpuWorkerDevice>().TorchDevice,
            sp.GetRequiredService<ILogger<MlpModel>>()));
        services.AddHostedService<GpuComputeWarmup>();

        services.AddJobHandler<MlpHandler>();
        services.AddJobHandler<MatmulHandler>();
        services.AddJobHandler<VectorHandler>();
    }
}
