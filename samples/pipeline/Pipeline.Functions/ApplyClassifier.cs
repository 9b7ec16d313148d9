using Fleet.Worker.Sdk;
using Pipeline.Contracts;

namespace Pipeline.Functions;

/// <summary>Labels feature rows with a trained model, on the CPU: the class of the nearest centroid.</summary>
[FleetFunction("apply-classifier", WorkersMax = 2, IdleTimeoutSeconds = 30, ConcurrencyPerWorker = 8, ExecutionTimeoutMs = 60_000)]
public sealed class ApplyClassifier : IJobHandler<ApplyInput, ApplyOutput>
{
    public Task<ApplyOutput> HandleAsync(ApplyInput input, JobContext context, CancellationToken cancellationToken)
    {
        var model = input.Model;
        if (model.Classes.Length == 0 || model.Classes.Length != model.Centroids.Length)
        {
            throw new PermanentJobException("the model needs one centroid per class");
        }

        var labels = input.Features.Select(row => model.Classes[Nearest(model.Centroids, row)]).ToArray();
        return Task.FromResult(new ApplyOutput(labels));
    }

    private static int Nearest(float[][] centroids, float[] row)
    {
        var best = 0;
        var bestDistance = double.MaxValue;
        for (var c = 0; c < centroids.Length; c++)
        {
            if (centroids[c].Length != row.Length)
            {
                throw new PermanentJobException($"feature rows have {row.Length} values, the model's {centroids[c].Length}");
            }

            var distance = centroids[c].Zip(row, (a, b) => (double)(a - b) * (a - b)).Sum();
            if (distance < bestDistance)
            {
                (best, bestDistance) = (c, distance);
            }
        }

        return best;
    }
}
