using System.Diagnostics;

namespace Fleet.Bench;

/// <summary>Timing and percentile helpers shared by the phases.</summary>
public static class Stats
{
    public static double Ms(long fromTimestamp, long toTimestamp) =>
        (toTimestamp - fromTimestamp) * 1000.0 / Stopwatch.Frequency;

    public static long TicksFromMs(double ms) => (long)(ms * Stopwatch.Frequency / 1000.0);

    /// <summary>Nearest-rank percentile of an ascending array: the smallest sample with at least p% of samples at or below it.</summary>
    public static double? NearestRank(double[] sorted, double percent)
    {
        if (sorted.Length == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    public static double? Max(double[] sorted) => sorted.Length == 0 ? null : sorted[^1];

    public static double? Mean(double[] samples) => samples.Length == 0 ? null : samples.Average();

    /// <summary>Two decimals are well below the timer and polling resolution, and keep the JSON line short.</summary>
    public static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;
}
