namespace Fleet.Bench;

/// <summary>
/// The final JSON line, flat so scripts can read it without knowing the phases. Times are ms
/// unless the name says otherwise; a figure with no samples is null.
/// </summary>
public sealed record BenchSummary(
    string Endpoint,
    int Jobs,
    int Completed,
    int Errors,
    int Failed,
    int TimedOut,
    double WallS,
    double Throughput,
    double SubmitRate,
    double? P50,
    double? P95,
    double? P99,
    double? Max,
    double? ResolutionP50,
    double? ResolutionP99,
    int PollMinMs,
    int PollMaxMs,
    long HttpRequests,
    long RunRequests,
    long PollRequests,
    int Concurrency,
    int Pollers,
    int RunsyncCalls,
    int RunsyncErrors,
    double? RunsyncP50,
    double? RunsyncP99,
    double? RunsyncMean,
    double? RunsyncMax);
