using Fleet.Gpu.Tests.Support;
using Xunit;

namespace Fleet.Gpu.Tests.Kernels;

public sealed class VectorKernelsTests
{
    /// <summary>
    /// Lengths around the group size (256) and the device's one-pass capacity, and one long enough
    /// that every thread strides over many values.
    /// </summary>
    private static readonly int[] s_lengths = [1, 255, 256, 257, 1000, 65_537, 1_000_003];

    /// <summary>
    /// dot and sum may differ from the double-precision reference by 1e-5 of the sum of the absolute
    /// values of their terms (float32 partial sums, combined in an order atomics choose).
    /// </summary>
    private const double ReductionTolerance = 1e-5;

    [AcceleratorTheory]
    [OnEachAccelerator]
    public void Saxpy_matches_the_reference(string accelerator)
    {
        var kernels = Accelerators.Vector(accelerator);
        foreach (var length in s_lengths)
        {
            var x = Reference.RandomFloats(length, seed: length);
            var y = Reference.RandomFloats(length, seed: length + 1);
            const float a = 2.5f;

            var result = kernels.Saxpy(a, x, y);

            Assert.Equal(length, result.Length);
            for (int i = 0; i < length; i++)
            {
                // One float32 rounding of each of a·x and the sum (or one, fused): within 2 ulps of the scale.
                double expected = ((double)a * x[i]) + y[i];
                double scale = Math.Abs((double)a * x[i]) + Math.Abs(y[i]);
                Assert.True(Math.Abs(result[i] - expected) <= (scale * 2.5e-7) + 1e-30, $"length {length} on {accelerator}: y[{i}] = {result[i]}, reference {expected}");
            }
        }
    }

    [AcceleratorTheory]
    [OnEachAccelerator]
    public void Dot_matches_the_reference(string accelerator)
    {
        var kernels = Accelerators.Vector(accelerator);
        foreach (var length in s_lengths)
        {
            var x = Reference.RandomFloats(length, seed: 3 * length);
            var y = Reference.RandomFloats(length, seed: (3 * length) + 1);

            var dot = kernels.Dot(x, y);

            var (expected, scale) = Reference.Dot(x, y);
            Assert.True(Math.Abs(dot - expected) <= ReductionTolerance * scale, $"length {length} on {accelerator}: dot = {dot}, reference {expected}");
        }
    }

    [AcceleratorTheory]
    [OnEachAccelerator]
    public void Sum_matches_the_reference(string accelerator)
    {
        var kernels = Accelerators.Vector(accelerator);
        foreach (var length in s_lengths)
        {
            var x = Reference.RandomFloats(length, seed: 5 * length);

            var sum = kernels.Sum(x);

            double expected = x.Sum(v => (double)v);
            double scale = x.Sum(v => Math.Abs((double)v));
            Assert.True(Math.Abs(sum - expected) <= ReductionTolerance * scale, $"length {length} on {accelerator}: sum = {sum}, reference {expected}");
        }
    }

    [AcceleratorTheory]
    [OnEachAccelerator]
    public void Sums_small_integers_exactly(string accelerator)
    {
        var ones = Enumerable.Repeat(1f, 100_000).ToArray();

        Assert.Equal(100_000f, Accelerators.Vector(accelerator).Sum(ones));
    }
}
