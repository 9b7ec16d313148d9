using System.Collections.Concurrent;
using Fleet.Gpu;
using Fleet.Worker.Gpu;
using Fleet.Worker.Gpu.Kernels;
using TorchSharp;

namespace Fleet.Gpu.Tests.Support;

/// <summary>
/// The accelerators of this machine, each opened once for the whole test run (opening one and
/// compiling its kernels is the slow part of a kernel test).
/// </summary>
public static class Accelerators
{
    public const string Cpu = "cpu";
    public const string Cuda = "cuda";

    private static readonly Lazy<string?> s_whyNoIlgpuCuda = new(GpuDevice.WhyNoCuda);
    private static readonly Lazy<string?> s_whyNoTorchCuda = new(() =>
        torch.cuda.is_available()
            ? null
            : "TorchSharp cannot use CUDA here: no CUDA device, or libtorch built for the CPU (the CUDA build needs -p:TorchBackend=cuda)");

    private static readonly ConcurrentDictionary<string, Lazy<GpuDevice>> s_devices = new();
    private static readonly ConcurrentDictionary<string, Lazy<MatmulKernel>> s_matmul = new();
    private static readonly ConcurrentDictionary<string, Lazy<VectorKernels>> s_vector = new();

    /// <summary>Why <paramref name="accelerator"/> cannot run <paramref name="backend"/> here, or null where it can.</summary>
    public static string? WhyUnavailable(ComputeBackend backend, string accelerator) => (backend, accelerator) switch
    {
        (_, Cpu) => null,
        (ComputeBackend.Ilgpu, Cuda) => s_whyNoIlgpuCuda.Value,
        (ComputeBackend.Torch, Cuda) => s_whyNoTorchCuda.Value,
        _ => $"unknown accelerator '{accelerator}'",
    };

    public static GpuDevice Device(string accelerator) =>
        s_devices.GetOrAdd(accelerator, a => new Lazy<GpuDevice>(() =>
            GpuDevice.Create(a == Cuda ? GpuDeviceMode.Cuda : GpuDeviceMode.Cpu))).Value;

    public static MatmulKernel Matmul(string accelerator) =>
        s_matmul.GetOrAdd(accelerator, a => new Lazy<MatmulKernel>(() => new MatmulKernel(Device(a)))).Value;

    public static VectorKernels Vector(string accelerator) =>
        s_vector.GetOrAdd(accelerator, a => new Lazy<VectorKernels>(() => new VectorKernels(Device(a)))).Value;

    public static torch.Device TorchDevice(string accelerator) => accelerator == Cuda ? torch.CUDA : torch.CPU;
}
