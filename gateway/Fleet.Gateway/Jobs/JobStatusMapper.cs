using Fleet.Gateway.Storage;
using Fleet.Gateway.Persistence;

namespace Fleet.Gateway.Jobs;

/// <summary>Builds a job's status document from its row.</summary>
public static class JobStatusMapper
{
    /// <summary>
    /// <c>delayTime</c> is time queued and <c>executionTime</c> time running, in whole milliseconds;
    /// for a job still queued or running they are measured up to <paramref name="now"/>, as RunPod does.
    /// </summary>
    public static JobStatusDocument ToDocument(JobStatusRow job, DateTimeOffset now)
    {
        var queuedUntil = job.StartedAt ?? job.FinishedAt ?? now;
        var delay = Milliseconds(queuedUntil - job.CreatedAt);
        var execution = job.StartedAt is { } started ? Milliseconds((job.FinishedAt ?? now) - started) : 0;
        return new JobStatusDocument(
            job.Id.ToString(), JobStatusWire.ToWire(job.Status), delay, execution, job.Output is null ? null : new RawJson(job.Output),
            job.Error, job.Attempt, job.WorkerId, job.Device, job.Routing,
            job.ProgressMessage is null && job.ProgressPercent is null ? null : new JobProgress(job.ProgressMessage, job.ProgressPercent),
            job.RanVersion);
    }

    private static long Milliseconds(TimeSpan span) => Math.Max(0, (long)span.TotalMilliseconds);
}
