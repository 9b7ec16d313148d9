using System.Globalization;
using Fleet.Gpu;
using Fleet.Worker.Gpu;
using Fleet.Worker.Gpu.Kernels;
using Fleet.Worker.Gpu.Models;
using ILGPU.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;

namespace Fleet.Bench.Gpu;

/// <summary>
/// Prints, for the device in use: ILGPU matmul GFLOP/s, TorchSharp matmul GFLOP/s on the CPU, and
/// MLP inference latency. On ILGPU's CPU accelerator the kernels are a correctness device (each
/// simulated GPU thread is an OS thread), so its figures are for comparison, not for use.
/// </summary>
public static class GpuBenchRunner
{
    public static int Run(GpuBenchOptions options, TextWriter output)
    {
        using var device = GpuDevice.Create(options.Device);
        var kernel = new MatmulKernel(device);
        output.WriteLine(Invariant($"fleet-bench-gpu: device {device.Name} (ILGPU {device.Accelerator.Name}, {device.Accelerator.AcceleratorType}), {Environment.ProcessorCount} CPU cores"));

        var ilgpu = IlgpuMatmul(device, kernel, options, output);
        var torchCpu = options.Torch ? TryTorch(() => TorchMatmul(options), output) : null;

        output.WriteLine();
        output.WriteLine("matmul, float32, n×n·n×n (2n³ flops; median of timed runs; ILGPU: data already on the device, kernel only)");
        output.WriteLine("      n   ILGPU GFLOP/s   TorchSharp CPU GFLOP/s   ILGPU/TorchSharp");
        foreach (var n in options.Sizes)
        {
            string ilgpuText = ilgpu.TryGetValue(n, out var g) ? (g.Gflops is { } v ? Invariant($"{v,13:F2}") : $"{"skipped",13}") : $"{"-",13}";
            double? torchValue = torchCpu is not null && torchCpu.TryGetValue(n, out var t) ? t : null;
            string torchText = torchValue is { } tv ? Invariant($"{tv,22:F2}") : $"{"-",22}";
            string ratio = g?.Gflops is { } a && torchValue is { } b ? Invariant($"{a / b,18:F4}") : $"{"-",18}";
            output.WriteLine(Invariant($"{n,7}   {ilgpuText}   {torchText}   {ratio}"));
        }

        foreach (var (n, result) in ilgpu.Where(r => r.Value.Note is not null))
        {
            output.WriteLine(Invariant($"  n={n}: {result.Note}"));
        }

        if (options.Torch)
        {
            TryTorch(() => MlpLatency(device, options, output), output);
        }

        return 0;
    }

    private sealed record IlgpuResult(double? Gflops, string? Note);

    private static Dictionary<int, IlgpuResult> IlgpuMatmul(
        GpuDevice device, MatmulKernel kernel, GpuBenchOptions options, TextWriter output)
    {
        var results = new Dictionary<int, IlgpuResult>();
        bool onCpu = device.Accelerator.AcceleratorType == AcceleratorType.CPU;
        (int N, double Seconds)? last = null;
        foreach (var n in options.Sizes.Order())
        {
            if (onCpu && last is { } previous)
            {
                double estimate = previous.Seconds * Math.Pow((double)n / previous.N, 3);
                if (estimate > options.CpuBudgetSeconds)
                {
                    results[n] = new IlgpuResult(null, Invariant($"ILGPU skipped on the CPU accelerator: one run is estimated at {estimate:F0} s, over --cpu-budget {options.CpuBudgetSeconds:F0} s"));
                    continue;
                }
            }

            output.WriteLine(Invariant($"  timing ILGPU matmul n={n} ..."));
            double seconds = device.Execute(accelerator =>
            {
                var host = new float[n * n];
                for (int i = 0; i < host.Length; i++)
                {
                    host[i] = (i % 17) * 0.01f;
                }

                using var a = accelerator.Allocate1D(host);
                using var b = accelerator.Allocate1D(host);
                using var c = accelerator.Allocate1D<float>((long)n * n);
                void Once()
                {
                    kernel.Launch(accelerator.DefaultStream, a.View, b.View, c.View, n, n, n);
                    accelerator.Synchronize();
                }

                // On the CPU accelerator one run is the whole budget, and there is nothing to warm up:
                // the kernel was compiled when it was loaded.
                var times = onCpu
                    ? Timings.Measure(Once, 0, minRuns: 1, maxRuns: 1, warmUp: false)
                    : Timings.Measure(Once, options.Seconds);
                return Timings.Quantile(times, 0.5);
            });
            results[n] = new IlgpuResult(Timings.MatmulGflops(n, seconds), null);
            last = (n, seconds);
        }

        return results;
    }

    private static Dictionary<int, double> TorchMatmul(GpuBenchOptions options)
    {
        var results = new Dictionary<int, double>();
        foreach (var n in options.Sizes)
        {
            using var scope = torch.NewDisposeScope();
            var a = torch.rand(n, n);
            var b = torch.rand(n, n);
            var times = Timings.Measure(() => torch.matmul(a, b).Dispose(), options.Seconds);
            results[n] = Timings.MatmulGflops(n, Timings.Quantile(times, 0.5));
        }

        return results;
    }

    private static object MlpLatency(GpuDevice device, GpuBenchOptions options, TextWriter output)
    {
        var settings = new GpuOptions { DataDirectory = Path.Combine(Path.GetTempPath(), "fleet-bench-gpu") };
        using var model = MlpModelFactory.Create(settings, device.TorchDevice, NullLogger.Instance);
        output.WriteLine();
        output.WriteLine(Invariant($"MLP {model.Shape} inference latency, TorchSharp on {model.Device} ({torch.get_num_threads()} threads), end to end per call"));
        output.WriteLine("  batch    p50 ms    p99 ms     runs");
        foreach (var batch in new[] { 1, 64 })
        {
            var rows = new float[batch * model.InputDim];
            for (int i = 0; i < rows.Length; i++)
            {
                rows[i] = (i % 13) * 0.1f;
            }

            for (int i = 0; i < 20; i++)
            {
                model.Infer(rows, batch);
            }

            var times = Timings.Measure(() => model.Infer(rows, batch), options.Seconds, minRuns: 100);
            output.WriteLine(Invariant($"  {batch,5}  {Timings.Quantile(times, 0.5) * 1e3,8:F3}  {Timings.Quantile(times, 0.99) * 1e3,8:F3}  {times.Length,7}"));
        }

        return model.Shape;
    }

    /// <summary>A build without libtorch (-p:TorchBackend=none) still prints the ILGPU figures.</summary>
    private static T? TryTorch<T>(Func<T> measure, TextWriter output)
        where T : class
    {
        try
        {
            return measure();
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            var inner = e;
            while (inner.InnerException is not null)
            {
                inner = inner.InnerException;
            }

            // Also what a single-file build says: TorchSharp looks for libtorch beside its own assembly file.
            output.WriteLine($"TorchSharp unavailable (no libtorch in this build, or a single-file build): {inner.GetType().Name}: {inner.Message}");
            output.WriteLine("  run with --no-torch, or from a build with libtorch that is not single-file");
            return null;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
