using Fleet.Gpu.Tests.Support;
using Fleet.Worker.Gpu;
using Fleet.Worker.Gpu.Models;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using Xunit;

namespace Fleet.Gpu.Tests.Models;

public sealed class MlpModelTests
{
    [AcceleratorTheory(Backend = ComputeBackend.Torch)]
    [OnEachAccelerator]
    public void Inference_matches_the_layers_computed_by_hand(string accelerator)
    {
        var path = TestModels.SaveSeeded(seed: 11);
        using var model = MlpModel.Load(path, TestModels.Shape, Accelerators.TorchDevice(accelerator));
        const int batch = 5;
        var rows = Reference.RandomFloats(batch * model.InputDim, seed: 12);

        var outputs = model.Infer(rows, batch);

        // float32 through three layers of up to 256 inputs against double: 1e-4 absolute and relative.
        var expected = Reference.Mlp(TestModels.Layers(path, TestModels.Shape), rows, batch);
        Assert.Equal(expected.Length, outputs.Length);
        for (int i = 0; i < outputs.Length; i++)
        {
            Assert.True(Math.Abs(outputs[i] - expected[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"output {i} on {accelerator}: {outputs[i]}, by hand {expected[i]}");
        }
    }

    [AcceleratorTheory(Backend = ComputeBackend.Torch)]
    [OnEachAccelerator]
    public void Returns_one_row_of_output_width_per_input_row(string accelerator)
    {
        using var model = MlpModel.Load(TestModels.SaveSeeded(seed: 1), TestModels.Shape, Accelerators.TorchDevice(accelerator));

        foreach (var batch in new[] { 1, 64 })
        {
            var outputs = model.Infer(new float[batch * 64], batch);

            Assert.Equal(batch * 16, outputs.Length);
        }
    }

    [AcceleratorTheory(Backend = ComputeBackend.Torch)]
    [OnEachAccelerator]
    public void Saving_and_loading_weights_gives_identical_outputs(string accelerator)
    {
        var device = Accelerators.TorchDevice(accelerator);
        var rows = Reference.RandomFloats(3 * 64, seed: 5);
        var path = TestModels.NewPath("round-trip");
        float[] before;
        using (var network = new MlpNetwork(TestModels.Shape))
        using (var scope = torch.NewDisposeScope())
        {
            network.InitializeSeeded(99);
            network.to(device).eval();
            using var noGrad = torch.no_grad();
            before = network.forward(torch.tensor(rows, [3, 64]).to(device)).cpu().data<float>().ToArray();
            network.save(path);
        }

        using var loaded = MlpModel.Load(path, TestModels.Shape, device);

        Reference.AssertClose(before, loaded.Infer(rows, 3), "outputs after a save and load");
    }

    [Fact]
    public void The_same_seed_makes_the_same_model_and_another_seed_another()
    {
        var rows = Reference.RandomFloats(2 * 64, seed: 8);
        using var first = MlpModel.Load(TestModels.SaveSeeded(seed: 42), TestModels.Shape, torch.CPU);
        using var again = MlpModel.Load(TestModels.SaveSeeded(seed: 42), TestModels.Shape, torch.CPU);
        using var other = MlpModel.Load(TestModels.SaveSeeded(seed: 43), TestModels.Shape, torch.CPU);

        Reference.AssertClose(first.Infer(rows, 2), again.Infer(rows, 2), "outputs of two models of one seed");
        Assert.NotEqual(first.Infer(rows, 2), other.Infer(rows, 2));
    }

    [Fact]
    public void Seeding_ignores_what_else_draws_from_torchs_global_generator()
    {
        var rows = Reference.RandomFloats(64, seed: 9);
        using var quiet = MlpModel.Load(TestModels.SaveSeeded(seed: 7), TestModels.Shape, torch.CPU);
        torch.manual_seed(12345);
        using (torch.rand(1000))
        {
        }

        using var disturbed = MlpModel.Load(TestModels.SaveSeeded(seed: 7), TestModels.Shape, torch.CPU);

        Reference.AssertClose(quiet.Infer(rows, 1), disturbed.Infer(rows, 1), "outputs of two models of one seed");
    }

    [Fact]
    public void Loading_weights_of_another_shape_fails_naming_the_file_and_the_shape()
    {
        var path = TestModels.SaveSeeded(seed: 3);
        var narrower = new MlpShape(64, 128, 1, 16);

        var error = Assert.Throws<InvalidDataException>(() => MlpModel.Load(path, narrower, torch.CPU));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("64x128x16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loading_a_missing_file_fails_naming_it()
    {
        var path = TestModels.NewPath("missing");

        var error = Assert.Throws<FileNotFoundException>(() => MlpModel.Load(path, TestModels.Shape, torch.CPU));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inference_leaves_no_tensor_alive()
    {
        var model = TestModels.Cpu;
        var rows = new float[8 * 64];
        model.Infer(rows, 8);
        // Counted per thread, so tests running beside this one do not disturb the count.
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (int i = 0; i < 50; i++)
        {
            model.Infer(rows, 8);
        }

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Without_a_weights_file_the_factory_saves_a_seeded_model_and_loads_it()
    {
        var folder = Path.GetDirectoryName(TestModels.NewPath("factory"))!;
        var options = new GpuOptions { DataDirectory = Path.Combine(folder, "data"), MlpSeed = 5 };

        using var model = MlpModelFactory.Create(options, torch.CPU, NullLogger.Instance);

        Assert.Equal(Path.Combine(options.DataDirectory, "mlp-64x256x256x16-seed5.weights"), model.WeightsPath);
        Assert.True(File.Exists(model.WeightsPath));
        using var same = MlpModel.Load(TestModels.SaveSeeded(seed: 5), TestModels.Shape, torch.CPU);
        var rows = Reference.RandomFloats(64, seed: 2);
        Assert.Equal(same.Infer(rows, 1), model.Infer(rows, 1));
    }

    [Fact]
    public void With_a_weights_file_the_factory_loads_that_file()
    {
        var path = TestModels.SaveSeeded(seed: 21);
        var options = new GpuOptions { MlpWeightsPath = path, MlpSeed = 1 };

        using var model = MlpModelFactory.Create(options, torch.CPU, NullLogger.Instance);

        Assert.Equal(path, model.WeightsPath);
    }
}
