using System.Diagnostics;
using Fleet.Contracts;
using Fleet.Gpu;
using Fleet.Worker.Sdk;
using TorchSharp;

namespace Tensor;

/// <summary>
/// G = A·Aᵀ of a seeded random matrix A, on the worker's TorchSharp device. The device is set up
/// once per worker (<see cref="InitializeAsync"/>), before the worker takes its first job.
/// </summary>
[FleetFunction("gram", Hardware = Hardware.Gpu, MinGpuMemoryMb = 512, CpuFallback = true, WorkersMax = 1, IdleTimeoutSeconds = 60,
    ExecutionTimeoutMs = 120_000)]
public sealed class GramMatrix(GpuDevice device) : IJobHandler<GramInput, GramOutput>, IFunctionInitializer
{
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        // The first operation on a device pays for its setup (on CUDA, the context and kernels).
        using var scope = torch.NewDisposeScope();
        torch.ones(8, 8, device: device.TorchDevice).matmul(torch.ones(8, 8, device: device.TorchDevice)).sum().item<float>();
        return Task.CompletedTask;
    }

    public Task<GramOutput> HandleAsync(GramInput input, JobContext context, CancellationToken cancellationToken)
    {
        if (input.Size is < 1 or > 4096)
        {
            throw new PermanentJobException($"size is {input.Size}: it must be from 1 to 4096");
        }

        var values = Normal(input.Size * input.Size, input.Seed);
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(values, [input.Size, input.Size], device: device.TorchDevice);
        var clock = Stopwatch.StartNew();
        var gram = a.matmul(a.t());
        var trace = gram.trace().to(torch.float64).item<double>();
        var milliseconds = clock.Elapsed.TotalMilliseconds;
        var frobenius = a.to(torch.float64).square().sum().item<double>();
        return Task.FromResult(new GramOutput(a.device_type.ToString().ToLowerInvariant(), input.Size, trace, frobenius, milliseconds));
    }

    /// <summary>Standard normal values from <paramref name="seed"/> (Box–Muller): the same A on every device.</summary>
    private static float[] Normal(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            var u = 1.0 - random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return values;
    }
}
