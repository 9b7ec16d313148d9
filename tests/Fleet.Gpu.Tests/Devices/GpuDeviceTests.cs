using Fleet.Contracts;
using Fleet.Gpu;
using Fleet.Gpu.Tests.Support;
using Fleet.Worker.Gpu;
using ILGPU.Runtime;
using TorchSharp;
using Xunit;

namespace Fleet.Gpu.Tests.Devices;

public sealed class GpuDeviceTests
{
    [Fact]
    public void Forced_to_the_cpu_it_computes_on_the_cpu_and_reports_no_memory()
    {
        using var device = GpuDevice.Create(GpuDeviceMode.Cpu);

        Assert.Equal("cpu", device.Name);
        Assert.Equal(Hardware.Gpu, device.Hardware);
        Assert.Equal(AcceleratorType.CPU, device.Accelerator.AcceleratorType);
        Assert.Equal(DeviceType.CPU, device.TorchDevice.type);
        Assert.Null(device.ReadMemory());
    }

    [Fact]
    public void Auto_picks_cuda_exactly_where_ilgpu_finds_it()
    {
        using var device = GpuDevice.Create(GpuDeviceMode.Auto);

        bool cuda = GpuDevice.WhyNoCuda() is null;
        Assert.Equal(cuda ? "cuda:0" : "cpu", device.Name);
        Assert.Equal(cuda, device.ReadMemory() is not null);
    }

    [Fact]
    public void Requiring_cuda_where_there_is_none_fails_at_start()
    {
        if (GpuDevice.WhyNoCuda() is null)
        {
            return; // This machine has CUDA; the CUDA cases of the kernel tests cover it.
        }

        var error = Assert.Throws<InvalidOperationException>(() => GpuDevice.Create(GpuDeviceMode.Cuda));
        Assert.Contains("no CUDA device", error.Message, StringComparison.Ordinal);
    }

    [AcceleratorTheory]
    [OnEachAccelerator]
    public void Cuda_devices_report_their_memory(string accelerator)
    {
        var memory = Accelerators.Device(accelerator).ReadMemory();

        if (accelerator == Accelerators.Cpu)
        {
            Assert.Null(memory);
        }
        else
        {
            Assert.NotNull(memory);
            Assert.InRange(memory.FreeMb, 1, memory.TotalMb);
        }
    }
}
