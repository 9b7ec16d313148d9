using Fleet.Gpu;
using Fleet.Worker.Gpu.Kernels;
using Fleet.Worker.Gpu.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Worker.Gpu;

/// <summary>
/// Chooses the device, compiles the kernels and loads the model when the host starts, so a bad
/// device or weights file stops the worker at once instead of failing its first job.
/// </summary>
internal sealed class GpuComputeWarmup(
    GpuDevice device,
    MatmulKernel matmul,
    VectorKernels vectors,
    MlpModel model,
    ILogger<GpuComputeWarmup> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        log.LogInformation(
            "GPU compute ready on {Device}: matmul kernel ({Tiling} tiling, {Tile}x{Tile} tiles), " +
            "vector kernels ({GroupSize} threads a group), MLP {Shape} on TorchSharp {TorchDevice}",
            device.Name, matmul.Tiling, matmul.TileSize, matmul.TileSize, vectors.GroupSize, model.Shape, model.Device);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
