using Fleet.Contracts;
using Fleet.Worker.Sdk;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using TorchSharp;

namespace Fleet.Gpu;

/// <summary>
/// The device a GPU worker computes on, chosen once at start: the first CUDA device where there is
/// one (<c>cuda:0</c>), else the CPU (<c>cpu</c>). Owns the process's ILGPU context and accelerator.
/// TorchSharp's device is chosen on its own (<c>torch.cuda.is_available()</c>): a libtorch built
/// for the CPU cannot use a GPU that ILGPU can. As the worker's <see cref="IWorkerDevice"/> it
/// reports the GPU's total and free memory in every heartbeat.
/// </summary>
public sealed class GpuDevice : IWorkerDevice, IDisposable
{
    /// <summary>
    /// Most threads per group on ILGPU's CPU accelerator, as many as the GPU kernels use (its default
    /// device allows 16), so the GPU tiling of a kernel can be checked on the CPU too.
    /// </summary>
    public const int CpuMaxGroupSize = 256;

    private const long BytesPerMb = 1024 * 1024;

    private readonly Context _context;
    private readonly Lazy<torch.Device> _torchDevice;
    private readonly Lock _gate = new();
    private bool _disposed;

    private readonly long? _advertisedMemoryMb;

    private GpuDevice(Context context, Accelerator accelerator, string name, GpuDeviceMode mode, long? advertisedMemoryMb)
    {
        _advertisedMemoryMb = advertisedMemoryMb;
        _context = context;
        Accelerator = accelerator;
        Name = name;
        // Chosen on first use, not here: a host that never runs a model (the ILGPU bench) needs no libtorch.
        _torchDevice = new Lazy<torch.Device>(() =>
            mode != GpuDeviceMode.Cpu && torch.cuda.is_available() ? torch.CUDA : torch.CPU);
    }

    /// <summary><c>cuda:0</c> or <c>cpu</c>: where the ILGPU kernels run.</summary>
    public string Name { get; }

    /// <summary>A GPU worker serves the GPU queues even when it computes on the CPU.</summary>
    public Hardware Hardware => Hardware.Gpu;

    public Accelerator Accelerator { get; }

    public bool IsCuda => Accelerator.AcceleratorType == AcceleratorType.Cuda;

    /// <summary>Where TorchSharp models run: CUDA where libtorch can use it, else the CPU.</summary>
    public torch.Device TorchDevice => _torchDevice.Value;

    /// <summary>Chooses the device. <paramref name="mode"/> <c>Cuda</c> fails where no CUDA device is found.</summary>
    public static GpuDevice Create(GpuDeviceMode mode, long? advertisedMemoryMb = null)
    {
        var context = Context.Create(builder =>
        {
            builder.Optimize(OptimizationLevel.O2);
            // One multiprocessor: the threads of a group already occupy every core.
            builder.CPU(new CPUDevice(numThreadsPerWarp: 16, numWarpsPerMultiprocessor: CpuMaxGroupSize / 16, numMultiprocessors: 1));
            if (mode != GpuDeviceMode.Cpu)
            {
                builder.Cuda();
            }

            builder.EnableAlgorithms();
        });
        try
        {
            var cudaDevices = context.GetCudaDevices();
            if (mode == GpuDeviceMode.Cuda && cudaDevices.Count == 0)
            {
                throw new InvalidOperationException("Gpu:Device is cuda, but ILGPU finds no CUDA device (no NVIDIA driver, or no GPU).");
            }

            return cudaDevices.Count > 0
                ? new GpuDevice(context, cudaDevices[0].CreateCudaAccelerator(context), "cuda:0", mode, null)
                : new GpuDevice(context, context.CreateCPUAccelerator(0), "cpu", mode, advertisedMemoryMb);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Why a CUDA device cannot be had here, or null where one can.</summary>
    public static string? WhyNoCuda()
    {
        try
        {
            using var context = Context.Create(builder => builder.Cuda());
            var count = context.GetCudaDevices().Count;
            return count > 0 ? null : "ILGPU finds no CUDA device (no NVIDIA driver, or no GPU) on this machine";
        }
        catch (Exception e)
        {
            return $"ILGPU cannot open CUDA: {e.Message}";
        }
    }

    /// <summary>
    /// Runs device work one caller at a time, with this accelerator bound to the calling thread
    /// (CUDA needs its context current on the thread that allocates and launches).
    /// </summary>
    public T Execute<T>(Func<Accelerator, T> work)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var binding = Accelerator.BindScoped();
            return work(Accelerator);
        }
    }

    public DeviceMemory? ReadMemory()
    {
        if (!IsCuda || _disposed)
        {
            return _advertisedMemoryMb is { } advertised ? new DeviceMemory(advertised, advertised) : null;
        }

        try
        {
            // Bound on this thread only; kernels running on another thread are not waited for.
            using var binding = Accelerator.BindScoped();
            var error = CudaAPI.CurrentAPI.GetMemoryInfo(out long free, out long total);
            return error == CudaError.CUDA_SUCCESS ? new DeviceMemory(total / BytesPerMb, free / BytesPerMb) : null;
        }
        catch (Exception e) when (e is CudaException or InvalidOperationException or ObjectDisposedException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Accelerator.Dispose();
            _context.Dispose();
        }
    }
}
