using System.Collections.Concurrent;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// Wakes a waiting <c>runsync</c> when its job's final status commits, with the status document
/// built from the committed row: no polling of the database.
/// </summary>
public sealed class JobCompletionNotifier
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<JobStatusDocument>> _waiters = new();

    /// <summary>Registers interest before the job is accepted, so its ending cannot be missed.</summary>
    public Task<JobStatusDocument> Watch(Guid jobId) =>
        _waiters.GetOrAdd(jobId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Forget(Guid jobId) => _waiters.TryRemove(jobId, out _);

    public bool IsWatched(Guid jobId) => _waiters.ContainsKey(jobId);

    public void Completed(Guid jobId, JobStatusDocument document)
    {
        if (_waiters.TryRemove(jobId, out var waiter))
        {
            waiter.TrySetResult(document);
        }
    }
}
