namespace Fleet.Gpu.Tests.Support;

/// <summary>Plain loops in double precision: what the kernels and models are checked against.</summary>
public static class Reference
{
    /// <summary>C = A·B, and for each element the sum of |a·b| over its terms (the scale of its rounding error).</summary>
    public static (double[] C, double[] Scale) Matmul(float[] a, float[] b, int m, int k, int n)
    {
        var c = new double[m * n];
        var scale = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double term = (double)a[(i * k) + p] * b[(p * n) + j];
                    sum += term;
                    abs += Math.Abs(term);
                }

                c[(i * n) + j] = sum;
                scale[(i * n) + j] = abs;
            }
        }

        return (c, scale);
    }

    public static (double Dot, double Scale) Dot(float[] x, float[] y)
    {
        double sum = 0, abs = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double term = (double)x[i] * y[i];
            sum += term;
            abs += Math.Abs(term);
        }

        return (sum, abs);
    }

    /// <summary>Linear→ReLU→…→Linear with PyTorch's layout: weight is out×in, y = W·x + b.</summary>
    public static double[] Mlp(IReadOnlyList<(float[] Weight, float[] Bias, int In, int Out)> layers, float[] rows, int batch)
    {
        int width = layers[0].In;
        var current = rows.Select(v => (double)v).ToArray();
        for (int l = 0; l < layers.Count; l++)
        {
            var (weight, bias, inputs, outputs) = layers[l];
            var next = new double[batch * outputs];
            for (int r = 0; r < batch; r++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    double sum = bias[o];
                    for (int i = 0; i < inputs; i++)
                    {
                        sum += weight[(o * inputs) + i] * current[(r * width) + i];
                    }

                    next[(r * outputs) + o] = l < layers.Count - 1 ? Math.Max(0, sum) : sum;
                }
            }

            current = next;
            width = outputs;
        }

        return current;
    }

    /// <summary>Values in [-1, 1) from a fixed seed, so a failure reproduces.</summary>
    public static float[] RandomFloats(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    /// <summary>
    /// Asserts that two runs of the same model agree to float32 rounding. Exact equality is too
    /// strict: libtorch's CPU kernels choose their thread count per call (fewer on a loaded
    /// machine), so a reduction may sum in another order and differ in the last bits.
    /// </summary>
    public static void AssertClose(IEnumerable<float> expected, IEnumerable<float> actual, string what)
    {
        float[] want = [.. expected], got = [.. actual];
        Xunit.Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
        {
            Xunit.Assert.True(Math.Abs(want[i] - got[i]) <= 1e-5 * (1 + Math.Abs(want[i])), $"{what}: value {i} is {got[i]}, expected {want[i]}");
        }
    }
}
