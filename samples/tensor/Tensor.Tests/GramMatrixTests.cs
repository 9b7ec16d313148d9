using Fleet.Gpu;
using Fleet.Worker.Sdk.Testing;
using TorchSharp;
using Xunit;

namespace Tensor.Tests;

/// <summary>The GPU function in the SDK's test host, on CUDA where there is one, else on the CPU.</summary>
public sealed class GramMatrixTests
{
    // The GPU device as a worker of a GPU pool gets it (AddFleetGpu): Gpu:Device=auto.
    private static FunctionTestHost<GramMatrix, GramInput, GramOutput> Host() =>
        FunctionTestHost.Create<GramMatrix, GramInput, GramOutput>(
            o => o.Services = (services, configuration) => services.AddGpuDevice(configuration));

    [Fact]
    public async Task Computes_on_the_torch_device_and_reports_it()
    {
        await using var host = Host();

        var result = await host.RunAsync(new GramInput { Size = 64, Seed = 1 });

        Assert.Equal(torch.cuda.is_available() ? "cuda" : "cpu", result.Output.Device);
        Assert.Equal(64, result.Output.Size);
    }

    [Fact]
    public async Task The_trace_of_the_gram_matrix_is_the_squared_norm_of_the_input()
    {
        await using var host = Host();

        var result = await host.RunAsync(new GramInput { Size = 128, Seed = 7 });

        // Each of 128² values is standard normal: the squared norm is about 128², and trace(A·Aᵀ) equals it.
        Assert.InRange(result.Output.FrobeniusSquared, 128 * 128 * 0.9, 128 * 128 * 1.1);
        Assert.Equal(result.Output.FrobeniusSquared, result.Output.Trace, tolerance: result.Output.FrobeniusSquared * 1e-5);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_matrix_and_another_seed_another()
    {
        await using var host = Host();

        var first = await host.RunAsync(new GramInput { Size = 32, Seed = 3 });
        var again = await host.RunAsync(new GramInput { Size = 32, Seed = 3 });
        var other = await host.RunAsync(new GramInput { Size = 32, Seed = 4 });

        Assert.Equal(first.Output.FrobeniusSquared, again.Output.FrobeniusSquared);
        Assert.NotEqual(first.Output.FrobeniusSquared, other.Output.FrobeniusSquared);
    }

    [Fact]
    public async Task A_size_out_of_range_fails_permanently()
    {
        await using var host = Host();

        var error = await Assert.ThrowsAsync<FunctionFailedException>(() => host.RunAsync(new GramInput { Size = 5000 }));

        Assert.True(error.Permanent);
        Assert.Contains("5000", error.Error, StringComparison.Ordinal);
    }
}
