namespace Pipeline.Contracts;

/// <summary>Two overlapping Gaussian clouds in <c>width</c> dimensions, labelled 0 and 1: the pipeline's data.</summary>
public static class SampleData
{
    public static (float[][] Samples, int[] Labels) TwoClouds(int count, int width, int seed)
    {
        var random = new Random(seed);
        var samples = new float[count][];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % 2;
            samples[i] = new float[width];
            for (var j = 0; j < width; j++)
            {
                var u = 1.0 - random.NextDouble();
                var normal = Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
                samples[i][j] = (float)(normal + (labels[i] == 0 ? -1.0 : 1.0));
            }
        }

        return (samples, labels);
    }
}
