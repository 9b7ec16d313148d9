using System.Diagnostics;

namespace Fleet.Bench;

/// <summary>
/// Sequential /runsync calls: one job at a time, so each round trip is the gateway's end-to-end
/// latency with no queueing behind other bench jobs.
/// </summary>
public sealed class RunSyncPhase(FleetClient client, int calls)
{
    private const int MaxErrorSamples = 5;

    public async Task<RunSyncResult> RunAsync(CancellationToken ct)
    {
        var samples = new List<double>(calls);
        var errorSamples = new List<string>();
        var failed = 0;
        for (var i = 0; i < calls; i++)
        {
            var sentAt = Stopwatch.GetTimestamp();
            ApiResult result;
            try
            {
                result = await client.RunSyncAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return Result(calls - i);
            }

            var ms = Stats.Ms(sentAt, Stopwatch.GetTimestamp());
            if (result.IsSuccess && result.Job!.IsCompleted)
            {
                samples.Add(ms);
                continue;
            }

            // A non-final status means the runsync wait ran out before the job ended: an error here too.
            failed++;
            if (errorSamples.Count < MaxErrorSamples)
            {
                errorSamples.Add(result.IsSuccess
                    ? $"runsync {result.Job!.Id}: {result.Job.Status}: {result.Job.Error?.ToString() ?? "no error given"}"
                    : $"runsync: {result.Describe()}");
            }
        }

        return Result(0);

        RunSyncResult Result(int timedOut)
        {
            var sorted = samples.ToArray();
            Array.Sort(sorted);
            return new RunSyncResult(calls, failed, timedOut, sorted, errorSamples);
        }
    }
}
