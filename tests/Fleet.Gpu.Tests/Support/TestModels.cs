using Fleet.Worker.Gpu.Models;
using TorchSharp;

namespace Fleet.Gpu.Tests.Support;

/// <summary>Seeded MLPs saved to a folder of this test run, and what their weights are.</summary>
public static class TestModels
{
    /// <summary>The worker's default shape.</summary>
    public static readonly MlpShape Shape = new(64, 256, 2, 16);

    private static readonly string s_folder = CreateFolder();
    private static readonly Lazy<MlpModel> s_cpuModel = new(() => MlpModel.Load(SaveSeeded(seed: 42), Shape, torch.CPU));

    /// <summary>One model of <see cref="Shape"/> on the CPU, shared by the handler tests.</summary>
    public static MlpModel Cpu => s_cpuModel.Value;

    /// <summary>A folder of this test run's own, removed when the test process ends.</summary>
    private static string CreateFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fleet-gpu-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return folder;
    }

    public static string NewPath(string name) => Path.Combine(s_folder, $"{name}-{Guid.NewGuid():N}.weights");

    public static string SaveSeeded(long seed, MlpShape? shape = null)
    {
        var path = NewPath($"seed{seed}");
        MlpModel.SaveSeeded(path, shape ?? Shape, seed);
        return path;
    }

    /// <summary>The Linear layers of a weights file, in order, read through TorchSharp's own loader.</summary>
    public static IReadOnlyList<(float[] Weight, float[] Bias, int In, int Out)> Layers(string weightsPath, MlpShape shape)
    {
        using var network = new MlpNetwork(shape);
        network.load(weightsPath);
        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var layers = new List<(float[], float[], int, int)>();
        foreach (var name in Enumerable.Range(0, shape.HiddenLayers).Select(i => $"layers.fc{i}").Append("layers.out"))
        {
            var weight = parameters[$"{name}.weight"];
            layers.Add((weight.data<float>().ToArray(), parameters[$"{name}.bias"].data<float>().ToArray(), (int)weight.shape[1], (int)weight.shape[0]));
        }

        return layers;
    }
}
