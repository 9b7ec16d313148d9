using System.Diagnostics;

namespace Fleet.Bench.Gpu;

/// <summary>Runs an action repeatedly for a time budget and reports the spread of its durations.</summary>
public static class Timings
{
    /// <summary>
    /// One untimed run (unless <paramref name="warmUp"/> is false), then timed runs until
    /// <paramref name="seconds"/> have passed: at least <paramref name="minRuns"/>, at most <paramref name="maxRuns"/>.
    /// </summary>
    public static double[] Measure(Action action, double seconds, int minRuns = 3, int maxRuns = 100_000, bool warmUp = true)
    {
        if (warmUp)
        {
            action();
        }

        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < maxRuns && (times.Count < minRuns || total.Elapsed.TotalSeconds < seconds))
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        times.Sort();
        return [.. times];
    }

    /// <summary>The q-quantile (0..1) of sorted values, nearest rank.</summary>
    public static double Quantile(double[] sorted, double q) =>
        sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static double MatmulGflops(int n, double seconds) => 2.0 * n * n * n / seconds / 1e9;
}
