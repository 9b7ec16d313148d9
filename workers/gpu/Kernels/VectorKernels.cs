using Fleet.Gpu;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;
using ILGPU.Runtime;

namespace Fleet.Worker.Gpu.Kernels;

/// <summary>
/// saxpy (y = a·x + y), dot and sum in float32 on the worker's accelerator. Each kernel runs
/// enough groups to fill the device once and its threads stride over the vector. dot and sum are
/// reductions: each thread accumulates its slice, each group reduces its threads' partial sums
/// (ILGPU.Algorithms), and one atomic add per group combines the groups.
/// Compiled once, when the worker starts.
/// </summary>
public sealed class VectorKernels
{
    private readonly GpuDevice _device;
    private readonly Action<AcceleratorStream, KernelConfig, float, ArrayView<float>, ArrayView<float>> _saxpy;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>> _dot;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>> _sum;
    private readonly int _groupSize;
    private readonly int _maxGroups;

    public VectorKernels(GpuDevice device)
    {
        _device = device;
        (_saxpy, _dot, _sum, _groupSize, _maxGroups) = device.Execute(accelerator =>
        {
            // ILGPU's CPU accelerator runs each thread of a group as an OS thread and its group
            // barriers cost milliseconds at 256 threads: one warp a group there, 256 on a GPU.
            int groupSize = accelerator.AcceleratorType == AcceleratorType.CPU
                ? Math.Min(accelerator.WarpSize, accelerator.MaxNumThreadsPerGroup)
                : Math.Min(256, accelerator.MaxNumThreadsPerGroup);
            return (
                accelerator.LoadKernel<float, ArrayView<float>, ArrayView<float>>(SaxpyKernel),
                accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>>(DotKernel),
                accelerator.LoadKernel<ArrayView<float>, ArrayView<float>>(SumKernel),
                groupSize,
                Math.Max(1, accelerator.MaxNumThreads / groupSize));
        });
    }

    /// <summary>Threads in each group of these kernels.</summary>
    public int GroupSize => _groupSize;

    /// <summary>Returns a·x + y.</summary>
    public float[] Saxpy(float alpha, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        RequireSameLength(x, y);
        if (x.IsEmpty)
        {
            return [];
        }

        var hostX = x.ToArray();
        var hostY = y.ToArray();
        return _device.Execute(accelerator =>
        {
            using var deviceX = accelerator.Allocate1D(hostX);
            using var deviceY = accelerator.Allocate1D(hostY);
            _saxpy(accelerator.DefaultStream, ConfigFor(hostX.Length), alpha, deviceX.View, deviceY.View);
            return deviceY.GetAsArray1D();
        });
    }

    /// <summary>Returns x·y.</summary>
    public float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        RequireSameLength(x, y);
        if (x.IsEmpty)
        {
            return 0f;
        }

        var hostX = x.ToArray();
        var hostY = y.ToArray();
        return _device.Execute(accelerator =>
        {
            using var deviceX = accelerator.Allocate1D(hostX);
            using var deviceY = accelerator.Allocate1D(hostY);
            using var result = accelerator.Allocate1D<float>(1);
            result.MemSetToZero();
            _dot(accelerator.DefaultStream, ConfigFor(hostX.Length), deviceX.View, deviceY.View, result.View);
            return result.GetAsArray1D()[0];
        });
    }

    /// <summary>Returns Σx.</summary>
    public float Sum(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty)
        {
            return 0f;
        }

        var hostX = x.ToArray();
        return _device.Execute(accelerator =>
        {
            using var deviceX = accelerator.Allocate1D(hostX);
            using var result = accelerator.Allocate1D<float>(1);
            result.MemSetToZero();
            _sum(accelerator.DefaultStream, ConfigFor(hostX.Length), deviceX.View, result.View);
            return result.GetAsArray1D()[0];
        });
    }

    private static void RequireSameLength(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"x and y must have the same length; they have {x.Length} and {y.Length}.");
        }
    }

    /// <summary>Enough groups to fill the device once, fewer for a short vector; threads stride over the rest.</summary>
    private KernelConfig ConfigFor(int length)
    {
        int groups = Math.Clamp((length + _groupSize - 1) / _groupSize, 1, _maxGroups);
        return new KernelConfig(groups, _groupSize);
    }

    private static void SaxpyKernel(float alpha, ArrayView<float> x, ArrayView<float> y)
    {
        long stride = (long)Grid.DimX * Group.DimX;
        for (long i = Grid.GlobalIndex.X; i < x.Length; i += stride)
        {
            y[i] = (alpha * x[i]) + y[i];
        }
    }

    private static void DotKernel(ArrayView<float> x, ArrayView<float> y, ArrayView<float> result)
    {
        long stride = (long)Grid.DimX * Group.DimX;
        float partial = 0f;
        for (long i = Grid.GlobalIndex.X; i < x.Length; i += stride)
        {
            partial += x[i] * y[i];
        }

        float groupSum = GroupExtensions.Reduce<float, AddFloat>(partial);
        if (Group.IsFirstThread)
        {
            Atomic.Add(ref result[0], groupSum);
        }
    }

    private static void SumKernel(ArrayView<float> x, ArrayView<float> result)
    {
        long stride = (long)Grid.DimX * Group.DimX;
        float partial = 0f;
        for (long i = Grid.GlobalIndex.X; i < x.Length; i += stride)
        {
            partial += x[i];
        }

        float groupSum = GroupExtensions.Reduce<float, AddFloat>(partial);
        if (Group.IsFirstThread)
        {
            Atomic.Add(ref result[0], groupSum);
        }
    }
}
