namespace Fleet.Gpu.Tests.Support;

/// <summary>What a per-accelerator test runs on: ILGPU kernels or TorchSharp models.</summary>
public enum ComputeBackend
{
    Ilgpu,
    Torch,
}
