using Fleet.Worker.Sdk;
using Pipeline.Contracts;

namespace Pipeline.Functions;

/// <summary>Trains a nearest-centroid classifier on the CPU: the mean feature row of each label.</summary>
[FleetFunction("train-classifier", WorkersMax = 1, IdleTimeoutSeconds = 30, ExecutionTimeoutMs = 120_000)]
public sealed class TrainClassifier : IJobHandler<TrainInput, ClassifierModel>
{
    public Task<ClassifierModel> HandleAsync(TrainInput input, JobContext context, CancellationToken cancellationToken)
    {
        if (input.Features.Length == 0 || input.Features.Length != input.Labels.Length)
        {
            throw new PermanentJobException($"need one label per feature row: {input.Features.Length} rows, {input.Labels.Length} labels");
        }

        var width = input.Features[0].Length;
        var classes = input.Labels.Distinct().Order().ToArray();
        var centroids = classes.Select(label =>
        {
            var members = input.Features.Where((_, i) => input.Labels[i] == label).ToList();
            return Enumerable.Range(0, width).Select(j => members.Average(m => m[j])).ToArray();
        }).ToArray();
        return Task.FromResult(new ClassifierModel(classes, centroids));
    }
}
