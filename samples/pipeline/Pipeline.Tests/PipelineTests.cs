using Fleet.Gpu;
using Fleet.Worker.Sdk.Testing;
using Pipeline.Contracts;
using Pipeline.Functions;
using Xunit;

namespace Pipeline.Tests;

/// <summary>Each stage in the SDK's test host, and the whole pipeline in sequence as the console program runs it on a fleet.</summary>
public sealed class PipelineTests
{
    private static FunctionTestHost<ExtractFeatures, FeaturesInput, FeaturesOutput> Extractor() =>
        FunctionTestHost.Create<ExtractFeatures, FeaturesInput, FeaturesOutput>(o => o.Services = (s, c) => s.AddGpuDevice(c));

    [Fact]
    public async Task Features_are_the_same_for_a_sample_whatever_chunk_it_comes_in()
    {
        var (samples, _) = SampleData.TwoClouds(10, 8, seed: 2);
        await using var host = Extractor();

        var all = await host.RunAsync(new FeaturesInput(samples));
        var last = await host.RunAsync(new FeaturesInput(samples[5..]));

        Assert.All(all.Output.Features, row => Assert.Equal(ExtractFeatures.Width, row.Length));
        Assert.All(all.Output.Features.SelectMany(r => r), value => Assert.True(value >= 0));
        Assert.Equal(all.Output.Features[7], last.Output.Features[2]);
        Assert.Contains(all.Output.Device, new[] { "cpu", "cuda" });
    }

    [Fact]
    public async Task Ragged_samples_fail_permanently()
    {
        await using var host = Extractor();

        var error = await Assert.ThrowsAsync<FunctionFailedException>(() => host.RunAsync(new FeaturesInput([[1, 2], [3]])));

        Assert.True(error.Permanent);
    }

    [Fact]
    public async Task A_classifier_trained_on_features_labels_held_out_rows_well()
    {
        var (samples, labels) = SampleData.TwoClouds(600, 8, seed: 1);
        await using var host = Extractor();
        var chunks = await Task.WhenAll(samples.Chunk(100).Select(c => host.RunAsync(new FeaturesInput(c))));
        var features = chunks.SelectMany(c => c.Output.Features).ToArray();

        var model = await FunctionTestHost.RunAsync<TrainClassifier, TrainInput, ClassifierModel>(
            new TrainInput(features[..400], labels[..400]));
        var predicted = await FunctionTestHost.RunAsync<ApplyClassifier, ApplyInput, ApplyOutput>(
            new ApplyInput(model.Output, features[400..]));

        Assert.Equal([0, 1], model.Output.Classes);
        var correct = predicted.Output.Labels.Where((label, i) => label == labels[400 + i]).Count();
        Assert.True(correct >= 180, $"{correct} of 200 held-out rows labelled right");
    }

    [Fact]
    public async Task Training_needs_a_label_per_row()
    {
        var error = await Assert.ThrowsAsync<FunctionFailedException>(
            () => FunctionTestHost.RunAsync<TrainClassifier, TrainInput, ClassifierModel>(new TrainInput([[1f]], [0, 1])));

        Assert.True(error.Permanent);
        Assert.Contains("1 rows, 2 labels", error.Error, StringComparison.Ordinal);
    }
}
