using Fleet.Gpu;
using ILGPU;
using ILGPU.Runtime;

namespace Fleet.Worker.Gpu.Kernels;

/// <summary>
/// C = A·B in float32 on the worker's accelerator. A tiled kernel: each group of T×T threads
/// computes a (T·R)×(T·R) tile of C, staging panels of A and B in shared memory so each value read
/// from device memory is used T·R times, and each thread keeps R×R sums in registers. Sizes need
/// not be multiples of a tile: loads past an edge read zeros, stores past an edge are skipped.
/// Compiled once per accelerator, when the worker starts.
/// </summary>
public sealed class MatmulKernel
{
    private readonly GpuDevice _device;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> _kernel;

    /// <param name="tiling">
    /// The tile shape; by default <see cref="MatmulTiling.Gpu"/> on CUDA and <see cref="MatmulTiling.Cpu"/> on the CPU.
    /// </param>
    public MatmulKernel(GpuDevice device, MatmulTiling? tiling = null)
    {
        _device = device;
        Tiling = tiling ?? (device.IsCuda ? MatmulTiling.Gpu : MatmulTiling.Cpu);
        _kernel = device.Execute(accelerator => Tiling == MatmulTiling.Gpu
            ? accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(GpuTiledKernel)
            : accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(CpuTiledKernel));
    }

    public MatmulTiling Tiling { get; }

    /// <summary>Rows (and columns) of C one group computes: the tile size edges are measured in.</summary>
    public int TileSize => Tiling == MatmulTiling.Gpu ? GpuThreads * GpuPerThread : CpuThreads * CpuPerThread;

    /// <summary>Multiplies row-major A (m×k) by row-major B (k×n), returning row-major C (m×n).</summary>
    public float[] Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int k, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (a.Length != (long)m * k || b.Length != (long)k * n)
        {
            throw new ArgumentException($"A must hold {m}×{k} and B {k}×{n} values; they hold {a.Length} and {b.Length}.");
        }

        // Spans cannot enter the lambda; the copies are the host side of the transfer anyway.
        var hostA = a.ToArray();
        var hostB = b.ToArray();
        return _device.Execute(accelerator =>
        {
            using var deviceA = accelerator.Allocate1D(hostA);
            using var deviceB = accelerator.Allocate1D(hostB);
            using var deviceC = accelerator.Allocate1D<float>((long)m * n);
            Launch(accelerator.DefaultStream, deviceA.View, deviceB.View, deviceC.View, m, k, n);
            return deviceC.GetAsArray1D();
        });
    }

    /// <summary>
    /// Enqueues C = A·B on data already on the device, without waiting: the bench times the kernel
    /// alone this way. The caller holds the device (<see cref="GpuDevice.Execute{T}"/>).
    /// </summary>
    public void Launch(AcceleratorStream stream, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int k, int n)
    {
        int threads = Tiling == MatmulTiling.Gpu ? GpuThreads : CpuThreads;
        int tile = TileSize;
        var groups = new Index2D((n + tile - 1) / tile, (m + tile - 1) / tile);
        _kernel(stream, new KernelConfig(groups, new Index2D(threads, threads)), a, b, c, m, k, n);
    }

    // GPU: 16×16 threads, 4×4 sums each: a 64×64 tile of C, 16-deep panels (8 KiB of shared memory).
    private const int GpuThreads = 16;
    private const int GpuPerThread = 4;
    private const int GpuPanel = 16;

    // ILGPU's CPU accelerator runs each simulated thread as an OS thread and pays for every barrier
    // in context switches: fewer threads doing more work each, and deeper panels (fewer barriers).
    private const int CpuThreads = 4;
    private const int CpuPerThread = 8;
    private const int CpuPanel = 32;

    private static void GpuTiledKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int k, int n)
    {
        // Shared and local sizes must be constants in the kernel that allocates them.
        const int tile = GpuThreads * GpuPerThread;
        TiledBody(
            SharedMemory.Allocate<float>(tile * GpuPanel),
            SharedMemory.Allocate<float>(GpuPanel * tile),
            LocalMemory.Allocate<float>(GpuPerThread * GpuPerThread),
            GpuThreads, GpuPerThread, GpuPanel, a, b, c, m, k, n);
    }

    private static void CpuTiledKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int k, int n)
    {
        const int tile = CpuThreads * CpuPerThread;
        TiledBody(
            SharedMemory.Allocate<float>(tile * CpuPanel),
            SharedMemory.Allocate<float>(CpuPanel * tile),
            LocalMemory.Allocate<float>(CpuPerThread * CpuPerThread),
            CpuThreads, CpuPerThread, CpuPanel, a, b, c, m, k, n);
    }

    /// <summary>
    /// One group's tile. Thread (tx, ty) owns rows ty + i·T and columns tx + j·T of the tile
    /// (i, j &lt; R): neighbouring threads read neighbouring columns of the B panel and store
    /// neighbouring elements of C, and a row of threads shares each value it reads from the A panel.
    /// </summary>
    private static void TiledBody(
        ArrayView<float> panelA, ArrayView<float> panelB, ArrayView<float> sums,
        int threads, int perThread, int panel,
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int k, int n)
    {
        int tile = threads * perThread;
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int self = (ty * threads) + tx;
        int rowBase = Grid.IdxY * tile;
        int colBase = Grid.IdxX * tile;

        for (int s = 0; s < perThread * perThread; s++)
        {
            sums[s] = 0f;
        }

        for (int k0 = 0; k0 < k; k0 += panel)
        {
            // Panel of A: tile rows × panel columns; consecutive threads read consecutive columns.
            for (int e = self; e < tile * panel; e += threads * threads)
            {
                int row = rowBase + (e / panel);
                int col = k0 + (e % panel);
                panelA[e] = row < m && col < k ? a[((long)row * k) + col] : 0f;
            }

            // Panel of B: panel rows × tile columns.
            for (int e = self; e < panel * tile; e += threads * threads)
            {
                int row = k0 + (e / tile);
                int col = colBase + (e % tile);
                panelB[e] = row < k && col < n ? b[((long)row * n) + col] : 0f;
            }

            Group.Barrier();

            for (int p = 0; p < panel; p++)
            {
                for (int i = 0; i < perThread; i++)
                {
                    float left = panelA[(((i * threads) + ty) * panel) + p];
                    for (int j = 0; j < perThread; j++)
                    {
                        sums[(i * perThread) + j] += left * panelB[(p * tile) + (j * threads) + tx];
                    }
                }
            }

            Group.Barrier();
        }

        for (int i = 0; i < perThread; i++)
        {
            int row = rowBase + (i * threads) + ty;
            for (int j = 0; j < perThread; j++)
            {
                int col = colBase + (j * threads) + tx;
                if (row < m && col < n)
                {
                    c[((long)row * n) + col] = sums[(i * perThread) + j];
                }
            }
        }
    }
}
