namespace Fleet.Gpu;

/// <summary>Which device a GPU worker computes on (<see cref="GpuDeviceOptions.Device"/>, setting <c>Gpu:Device</c>).</summary>
public enum GpuDeviceMode
{
    /// <summary>The first CUDA device where there is one, else the CPU.</summary>
    Auto,

    /// <summary>The CPU even where CUDA is present: ILGPU's CPU accelerator and TorchSharp's CPU backend.</summary>
    Cpu,

    /// <summary>The first CUDA device; start fails without one.</summary>
    Cuda,
}
