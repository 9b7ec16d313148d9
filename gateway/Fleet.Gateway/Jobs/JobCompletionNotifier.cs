namespace Fleet.Gateway.Jobs;

/// <summary>
/// Wakes whoever waits for a job's ending (a <c>runsync</c>, a long-poll <c>status</c> or
/// <c>batch/status</c>) when its final status commits, with the status document built from the
/// committed row: no polling of the database.
/// </summary>
/// <remarks>
/// Several requests may wait for one job at once (a runsync and a long poll, two batch reads), so
/// each <see cref="Watch"/> is counted and the job stays watched until the last <see cref="Forget"/>.
/// </remarks>
public sealed class JobCompletionNotifier
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Waiter> _waiters = [];

    /// <summary>Registers interest before the job is accepted (or read), so its ending cannot be missed.</summary>
    public Task<JobStatusDocument> Watch(Guid jobId)
    {
        lock (_lock)
        {
            if (!_waiters.TryGetValue(jobId, out var waiter))
            {
                _waiters[jobId] = waiter = new Waiter();
            }

            waiter.Watchers++;
            return waiter.Ending.Task;
        }
    }

    /// <summary>Ends one <see cref="Watch"/>; call it once for each, whether or not the job ended.</summary>
    public void Forget(Guid jobId) => Forget(jobId, watch: null);

    /// <summary>
    /// Ends the <see cref="Watch"/> that returned <paramref name="watch"/>, and only that one: after
    /// the job ended and was queued again (/retry), a newer watch of it is left alone.
    /// </summary>
    public void Forget(Guid jobId, Task<JobStatusDocument>? watch)
    {
        lock (_lock)
        {
            if (_waiters.TryGetValue(jobId, out var waiter) && (watch is null || waiter.Ending.Task == watch) && --waiter.Watchers <= 0)
            {
                _waiters.Remove(jobId);
            }
        }
    }

    public bool IsWatched(Guid jobId)
    {
        lock (_lock)
        {
            return _waiters.ContainsKey(jobId);
        }
    }

    public void Completed(Guid jobId, JobStatusDocument document)
    {
        Waiter? waiter;
        lock (_lock)
        {
            // Removed at once: a job queued again (/retry) is watched afresh for its next ending.
            if (!_waiters.Remove(jobId, out waiter))
            {
                return;
            }
        }

        waiter.Ending.TrySetResult(document);
    }

    private sealed class Waiter
    {
        public TaskCompletionSource<JobStatusDocument> Ending { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Watchers { get; set; }
    }
}
