using System.ComponentModel.DataAnnotations;

namespace Fleet.Worker.Gpu;

/// <summary>
/// Section <c>Gpu</c>: the kernels' limits and the MLP model. The device settings of the same section
/// (<c>Device</c>, <c>AdvertisedMemoryMb</c>) are Fleet.Gpu's <see cref="Fleet.Gpu.GpuDeviceOptions"/>.
/// </summary>
public sealed class GpuOptions
{
    public const string Section = "Gpu";

    /// <summary>Largest m, k or n a <c>matmul</c> job may have.</summary>
    [Range(1, 65_536)]
    public int MatmulMaxDim { get; set; } = 4096;

    /// <summary>Longest vector a <c>vector</c> job may have.</summary>
    [Range(1, 1 << 28)]
    public int VectorMaxLength { get; set; } = 1 << 24;

    /// <summary>Most rows one <c>mlp</c> job may send.</summary>
    [Range(1, 1 << 20)]
    public int MlpMaxBatch { get; set; } = 4096;

    /// <summary>
    /// Weights of the MLP in TorchSharp's format (<c>module.save</c>). Unset: a model seeded with
    /// <see cref="MlpSeed"/> is created, saved under <see cref="DataDirectory"/> and loaded from there.
    /// </summary>
    public string? MlpWeightsPath { get; set; }

    [Range(1, 1 << 16)]
    public int MlpInputDim { get; set; } = 64;

    [Range(1, 1 << 16)]
    public int MlpHiddenDim { get; set; } = 256;

    /// <summary>Hidden Linear→ReLU layers between the input and the output layer.</summary>
    [Range(0, 64)]
    public int MlpHiddenLayers { get; set; } = 2;

    [Range(1, 1 << 16)]
    public int MlpOutputDim { get; set; } = 16;

    public long MlpSeed { get; set; } = 42;

    /// <summary>Where the worker keeps files it makes (the seeded model). Default: a folder under the temp directory.</summary>
    public string? DataDirectory { get; set; }
}
