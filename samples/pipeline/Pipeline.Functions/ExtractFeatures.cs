using Fleet.Contracts;
using Fleet.Gpu;
using Fleet.Worker.Sdk;
using Pipeline.Contracts;
using TorchSharp;

namespace Pipeline.Functions;

/// <summary>
/// Features of raw samples on the GPU: a fixed random projection to <see cref="Width"/> dimensions
/// followed by ReLU, with TorchSharp on the worker's device. The projection is made once per worker
/// and input width, from a fixed seed, so every worker computes the same features.
/// </summary>
[FleetFunction("extract-features", Hardware = Hardware.Gpu, CpuFallback = true, WorkersMax = 2, IdleTimeoutSeconds = 60,
    ConcurrencyPerWorker = 4, ExecutionTimeoutMs = 60_000, MaxAttempts = 2)]
public sealed class ExtractFeatures(GpuDevice device) : IJobHandler<FeaturesInput, FeaturesOutput>, IFunctionInitializer
{
    public const int Width = 32;

    private const int MaxInputWidth = 1024;

    private readonly Dictionary<int, float[]> _projections = [];
    private readonly Lock _gate = new();

    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        // Pays for the device's setup before the first job.
        using var scope = torch.NewDisposeScope();
        torch.zeros(1, device: device.TorchDevice).sum().item<float>();
        return Task.CompletedTask;
    }

    public Task<FeaturesOutput> HandleAsync(FeaturesInput input, JobContext context, CancellationToken cancellationToken)
    {
        var rows = input.Samples.Length;
        var width = rows == 0 ? 0 : input.Samples[0].Length;
        if (rows == 0 || width is 0 or > MaxInputWidth || input.Samples.Any(s => s.Length != width))
        {
            throw new PermanentJobException($"samples must be one or more rows of the same width, from 1 to {MaxInputWidth} values");
        }

        using var scope = torch.NewDisposeScope();
        var samples = torch.tensor(input.Samples.SelectMany(s => s).ToArray(), [rows, width], device: device.TorchDevice);
        var projection = torch.tensor(Projection(width), [width, Width], device: device.TorchDevice);
        var features = torch.nn.functional.relu(samples.matmul(projection)).cpu().data<float>().ToArray();
        var output = new float[rows][];
        for (var i = 0; i < rows; i++)
        {
            output[i] = features.AsSpan(i * Width, Width).ToArray();
        }

        return Task.FromResult(new FeaturesOutput(output, samples.device_type.ToString().ToLowerInvariant()));
    }

    private float[] Projection(int width)
    {
        lock (_gate)
        {
            if (!_projections.TryGetValue(width, out var projection))
            {
                var random = new Random(width);
                projection = [.. Enumerable.Range(0, width * Width).Select(_ => (float)((random.NextDouble() * 2 - 1) / Math.Sqrt(width)))];
                _projections[width] = projection;
            }

            return projection;
        }
    }
}
