using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Fleet.Worker.Gpu.Models;

/// <summary>Loads the MLP the configuration names, or makes, saves and loads a seeded one.</summary>
public static class MlpModelFactory
{
    /// <summary>
    /// Loads <see cref="GpuOptions.MlpWeightsPath"/>. Without one, saves a model seeded with
    /// <see cref="GpuOptions.MlpSeed"/> under <see cref="GpuOptions.DataDirectory"/> first, and loads
    /// that file: the demo works offline, and the loading code runs on every start either way.
    /// </summary>
    public static MlpModel Create(GpuOptions options, torch.Device device, ILogger logger)
    {
        var shape = MlpShape.From(options);
        var path = options.MlpWeightsPath;
        if (string.IsNullOrWhiteSpace(path))
        {
            path = Path.Combine(DataDirectoryOf(options), $"mlp-{shape}-seed{options.MlpSeed}.weights");
            MlpModel.SaveSeeded(path, shape, options.MlpSeed);
            logger.LogInformation("Gpu:MlpWeightsPath is not set: saved an MLP seeded with {Seed} to {Path}", options.MlpSeed, path);
        }

        var model = MlpModel.Load(path, shape, device);
        logger.LogInformation("MLP {Shape} loaded from {Path} on TorchSharp device {Device}", shape, path, device);
        return model;
    }

    public static string DataDirectoryOf(GpuOptions options) =>
        string.IsNullOrWhiteSpace(options.DataDirectory)
            ? Path.Combine(Path.GetTempPath(), "fleet-gpu")
            : options.DataDirectory;
}
