namespace Fleet.Bench;

/// <summary>Figures of one burst phase. Latency arrays are sorted ascending, in ms, completed jobs only.</summary>
public sealed record BurstResult(
    int Jobs,
    int Completed,
    int Failed,
    int TimedOut,
    double WallMs,
    double SubmitMs,
    long RunRequests,
    long PollRequests,
    double[] LatencyMs,
    double[] WindowMs,
    IReadOnlyList<string> ErrorSamples)
{
    public int Errors => Failed + TimedOut;

    /// <summary>Jobs that reached an end, over first submit to last end seen.</summary>
    public double Throughput => WallMs > 0 ? (Jobs - TimedOut) * 1000.0 / WallMs : 0;

    public double SubmitRate => SubmitMs > 0 ? RunRequests * 1000.0 / SubmitMs : 0;
}
