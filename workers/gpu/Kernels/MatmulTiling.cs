namespace Fleet.Worker.Gpu.Kernels;

/// <summary>The tile shape of <see cref="MatmulKernel"/>: one kernel body, two sets of constants.</summary>
public enum MatmulTiling
{
    /// <summary>16×16 threads computing 64×64 of C, 16-deep panels: for CUDA.</summary>
    Gpu,

    /// <summary>4×4 threads computing 32×32 of C, 32-deep panels: for ILGPU's CPU accelerator, where barriers are dear.</summary>
    Cpu,
}
