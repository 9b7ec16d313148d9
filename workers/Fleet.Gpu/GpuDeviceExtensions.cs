using Fleet.Contracts;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Gpu;

public static class GpuDeviceExtensions
{
    /// <summary>
    /// The GPU device for a function project's worker: <c>FleetFunctions.RunAsync(args, w =&gt; w.AddFleetGpu())</c>.
    /// A worker started for a GPU pool (the default) computes on CUDA where present, else on the CPU,
    /// and reports the GPU's memory; one started with <c>Worker:Hardware=Cpu</c> (an endpoint's CPU
    /// fallback, or the CPU functions of a mixed project) computes on the CPU and stays a CPU worker.
    /// Handlers take <see cref="GpuDevice"/> in their constructor.
    /// </summary>
    public static IHostApplicationBuilder AddFleetGpu(this IHostApplicationBuilder builder)
    {
        var hardware = builder.Configuration.GetValue<Hardware?>(WorkerOptions.Section + ":" + nameof(WorkerOptions.Hardware));
        if (hardware == Hardware.Cpu)
        {
            builder.Services.AddGpuDeviceOnCpu(builder.Configuration);
        }
        else
        {
            builder.Services.AddGpuDevice(builder.Configuration);
        }

        return builder;
    }

    /// <summary>
    /// Chooses the device once, at first use (section <c>Gpu</c>), and makes it this worker's
    /// <see cref="IWorkerDevice"/>: hardware <c>Gpu</c>, memory from CUDA.
    /// </summary>
    public static IServiceCollection AddGpuDevice(this IServiceCollection services, IConfiguration configuration)
    {
        AddDevice(services, configuration, forceCpu: false);
        services.RemoveAll<IWorkerDevice>();
        services.AddSingleton<IWorkerDevice>(sp => sp.GetRequiredService<GpuDevice>());
        return services;
    }

    /// <summary>
    /// The same device forced to the CPU (ILGPU's CPU accelerator, TorchSharp's CPU backend) for a
    /// CPU worker, whatever <c>Gpu:Device</c> says; the worker's own <see cref="IWorkerDevice"/> is left as it is.
    /// </summary>
    public static IServiceCollection AddGpuDeviceOnCpu(this IServiceCollection services, IConfiguration configuration)
    {
        AddDevice(services, configuration, forceCpu: true);
        return services;
    }

    private static void AddDevice(IServiceCollection services, IConfiguration configuration, bool forceCpu)
    {
        services.AddOptions<GpuDeviceOptions>()
            .Bind(configuration.GetSection(GpuDeviceOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (forceCpu)
        {
            services.PostConfigure<GpuDeviceOptions>(o => o.Device = GpuDeviceMode.Cpu);
        }

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GpuDeviceOptions>>().Value;
            var device = GpuDevice.Create(options.Device, options.AdvertisedMemoryMb);
            sp.GetRequiredService<ILogger<GpuDevice>>().LogInformation(
                "Compute device {Device} ({Accelerator}), Gpu:Device={Mode}", device.Name, device.Accelerator.Name, options.Device);
            return device;
        });
    }
}
