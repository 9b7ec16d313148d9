using System.Text.Json;

namespace Fleet.Bench;

/// <summary>Writes the human-readable block and then the one-line JSON summary scripts parse.</summary>
public static class Report
{
    public static void Warmup(BurstResult warmup) =>
        Console.WriteLine($"warmup   {warmup.Jobs} jobs in {warmup.WallMs / 1000:F2} s, {warmup.Errors} errors (not counted)");

    public static BenchSummary Write(BenchOptions options, BurstResult? burst, RunSyncResult? sync)
    {
        if (burst is not null)
        {
            var l = burst.LatencyMs;
            Console.WriteLine($"burst    {burst.Jobs} jobs, {burst.Errors} errors ({burst.Failed} failed, {burst.TimedOut} not ended by the deadline); concurrency {options.Concurrency}, pollers {options.EffectivePollers}");
            Console.WriteLine($"  wall        {burst.WallMs / 1000:F3} s   throughput {burst.Throughput:F1} jobs/s   submit rate {burst.SubmitRate:F1} req/s");
            Console.WriteLine($"  latency ms  p50 {F(Stats.NearestRank(l, 50))}  p95 {F(Stats.NearestRank(l, 95))}  p99 {F(Stats.NearestRank(l, 99))}  max {F(Stats.Max(l))}");
            Console.WriteLine($"  resolution  polls back off {BurstPhase.MinBackoffMs}->{BurstPhase.MaxBackoffMs} ms; each job ended within p50 {F(Stats.NearestRank(burst.WindowMs, 50))} / p99 {F(Stats.NearestRank(burst.WindowMs, 99))} ms before it was seen (latency is an upper bound)");
            if (Stats.NearestRank(burst.WindowMs, 50) > 2 * BurstPhase.MaxBackoffMs)
            {
                // A window far above the backoff cap means jobs waited for a free poller, not for the gateway.
                Console.WriteLine("  warning     pollers fell behind: latency includes the bench's poll backlog; raise --pollers or lower --concurrency");
            }

            var perJob = burst.Jobs > 0 ? (double)burst.PollRequests / burst.Jobs : 0;
            Console.WriteLine($"  requests    {burst.RunRequests + burst.PollRequests} ({burst.RunRequests} run + {burst.PollRequests} status, {perJob:F1} polls/job)");
            Errors(burst.ErrorSamples);
        }

        if (sync is not null)
        {
            var r = sync.RoundTripMs;
            Console.WriteLine($"runsync  {sync.Calls} sequential calls, {sync.Errors} errors; round trip ms  p50 {F(Stats.NearestRank(r, 50))}  p99 {F(Stats.NearestRank(r, 99))}  mean {F(Stats.Mean(r))}  max {F(Stats.Max(r))}");
            Errors(sync.ErrorSamples);
        }

        var summary = Summarize(options, burst, sync);
        Console.WriteLine(JsonSerializer.Serialize(summary, BenchJsonContext.Default.BenchSummary));
        return summary;
    }

    private static BenchSummary Summarize(BenchOptions options, BurstResult? burst, RunSyncResult? sync)
    {
        var l = burst?.LatencyMs ?? [];
        var w = burst?.WindowMs ?? [];
        var r = sync?.RoundTripMs ?? [];
        return new BenchSummary(
            options.Endpoint,
            Jobs: burst?.Jobs ?? 0,
            Completed: burst?.Completed ?? 0,
            Errors: burst?.Errors ?? 0,
            Failed: burst?.Failed ?? 0,
            TimedOut: burst?.TimedOut ?? 0,
            WallS: Math.Round((burst?.WallMs ?? 0) / 1000, 3),
            Throughput: Math.Round(burst?.Throughput ?? 0, 1),
            SubmitRate: Math.Round(burst?.SubmitRate ?? 0, 1),
            P50: Stats.Round(Stats.NearestRank(l, 50)),
            P95: Stats.Round(Stats.NearestRank(l, 95)),
            P99: Stats.Round(Stats.NearestRank(l, 99)),
            Max: Stats.Round(Stats.Max(l)),
            ResolutionP50: Stats.Round(Stats.NearestRank(w, 50)),
            ResolutionP99: Stats.Round(Stats.NearestRank(w, 99)),
            BurstPhase.MinBackoffMs,
            BurstPhase.MaxBackoffMs,
            HttpRequests: (burst?.RunRequests ?? 0) + (burst?.PollRequests ?? 0),
            RunRequests: burst?.RunRequests ?? 0,
            PollRequests: burst?.PollRequests ?? 0,
            options.Concurrency,
            options.EffectivePollers,
            RunsyncCalls: sync?.Calls ?? 0,
            RunsyncErrors: sync?.Errors ?? 0,
            RunsyncP50: Stats.Round(Stats.NearestRank(r, 50)),
            RunsyncP99: Stats.Round(Stats.NearestRank(r, 99)),
            RunsyncMean: Stats.Round(Stats.Mean(r)),
            RunsyncMax: Stats.Round(Stats.Max(r)));
    }

    private static void Errors(IReadOnlyList<string> samples)
    {
        foreach (var sample in samples)
        {
            Console.WriteLine($"  error: {sample}");
        }
    }

    private static string F(double? ms) => ms is { } v ? v.ToString("F2") : "-";
}
