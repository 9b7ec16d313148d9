using System.ComponentModel.DataAnnotations;

namespace Fleet.Gpu;

/// <summary>Section <c>Gpu</c>: which device a GPU worker computes on.</summary>
public sealed class GpuDeviceOptions
{
    public const string Section = "Gpu";

    /// <summary><c>auto</c> (CUDA where present, else the CPU), <c>cpu</c>, or <c>cuda</c> (fail at start without one).</summary>
    public GpuDeviceMode Device { get; set; } = GpuDeviceMode.Auto;

    /// <summary>
    /// Free memory (MB) to report when the device cannot report its own (the CPU device). Lets the
    /// gateway's memory-aware routing be run and tested on machines without a GPU; unset on a GPU.
    /// </summary>
    [Range(0, 1 << 24)]
    public long? AdvertisedMemoryMb { get; set; }
}
