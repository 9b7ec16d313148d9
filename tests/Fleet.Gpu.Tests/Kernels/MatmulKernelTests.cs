using Fleet.Gpu.Tests.Support;
using Fleet.Worker.Gpu.Kernels;
using Xunit;

namespace Fleet.Gpu.Tests.Kernels;

public sealed class MatmulKernelTests
{
    /// <summary>
    /// Each element of C may differ from the double-precision reference by 1e-5 of the sum of the
    /// absolute values of its terms: float32 rounding stays far below that, while a single term
    /// lost or doubled (a tile edge read wrong) is far above it for these sizes.
    /// </summary>
    private const double Tolerance = 1e-5;

    [AcceleratorTheory]
    [OnEachAccelerator]
    public void Matches_the_reference_for_sizes_on_and_off_the_tile(string accelerator)
    {
        var kernel = Accelerators.Matmul(accelerator);

        AssertMatchesReference(kernel, accelerator);
    }

    [Fact]
    public void The_gpu_tiling_matches_the_reference_on_the_cpu_accelerator_too()
    {
        var kernel = new MatmulKernel(Accelerators.Device(Accelerators.Cpu), MatmulTiling.Gpu);

        AssertMatchesReference(kernel, "cpu, GPU tiling");
    }

    [AcceleratorTheory]
    [OnEachAccelerator]
    public void Multiplies_by_the_identity_exactly(string accelerator)
    {
        const int n = 37;
        var a = Reference.RandomFloats(n * n, seed: 1);
        var identity = new float[n * n];
        for (int i = 0; i < n; i++)
        {
            identity[(i * n) + i] = 1f;
        }

        var c = Accelerators.Matmul(accelerator).Multiply(a, identity, n, n, n);

        Assert.Equal(a, c);
    }

    [AcceleratorTheory]
    [OnEachAccelerator]
    public void Refuses_operands_whose_lengths_do_not_match_their_shapes(string accelerator)
    {
        var kernel = Accelerators.Matmul(accelerator);

        Assert.Throws<ArgumentException>(() => kernel.Multiply(new float[6], new float[6], 2, 3, 3));
    }

    /// <summary>Sizes below, at and past one tile, and past it by one, in every dimension, and degenerate shapes.</summary>
    private static void AssertMatchesReference(MatmulKernel kernel, string on)
    {
        int t = kernel.TileSize;
        (int M, int K, int N)[] sizes =
        [
            (1, 1, 1),
            (t, t, t),
            (t + 1, t - 1, (2 * t) + 1),
            (17, 33, 15),
            ((2 * t) - 1, (2 * t) + 3, t + 1),
            (5, 70, 1),
            (1, 3, 40),
        ];

        foreach (var (m, k, n) in sizes)
        {
            var a = Reference.RandomFloats(m * k, seed: m + (7 * k));
            var b = Reference.RandomFloats(k * n, seed: n + (11 * k));

            var c = kernel.Multiply(a, b, m, k, n);

            var (expected, scale) = Reference.Matmul(a, b, m, k, n);
            Assert.Equal(m * n, c.Length);
            for (int i = 0; i < c.Length; i++)
            {
                Assert.True(
                    Math.Abs(c[i] - expected[i]) <= (Tolerance * scale[i]) + 1e-7,
                    $"{m}×{k}·{k}×{n} on {on}: c[{i / n}][{i % n}] = {c[i]}, reference {expected[i]}");
            }
        }
    }
}
