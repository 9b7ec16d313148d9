using System.Collections.Concurrent;

namespace Fleet.Worker.Sdk;

/// <summary>The attempts this worker runs now, so heartbeats can report them and cancellations reach them.</summary>
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _jobs = new();

    public int Count => _jobs.Count;

    public IReadOnlyList<Guid> Snapshot() => [.. _jobs.Keys];

    public void Add(Guid jobId, CancellationTokenSource cancellation) => _jobs[jobId] = cancellation;

    public void Remove(Guid jobId) => _jobs.TryRemove(jobId, out _);

    /// <summary>Signals the handler of a running job to stop; false when the job is not running here.</summary>
    public bool TryCancel(Guid jobId)
    {
        if (!_jobs.TryGetValue(jobId, out var cancellation))
        {
            return false;
        }

        try
        {
            cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt ended between the lookup and the cancel; nothing left to stop.
        }

        return true;
    }
}
