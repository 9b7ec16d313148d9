using System.Collections.Concurrent;
using System.Diagnostics;
using Fleet.Contracts.Messages;

namespace Fleet.Worker.Sdk;

/// <summary>
/// The attempts this worker runs now, so heartbeats can report them (and so renew their leases),
/// cancellations reach them, and a stopping worker can wait for them. Also how long the worker has
/// been idle, which the autoscaler's idle timeout reads from the heartbeat.
/// </summary>
public sealed class RunningJobs
{
    // By run, not by job: the same job may run here twice at once (RabbitMQ delivering its message
    // again while the first run still reports, or a newer attempt), and each run is its own entry.
    private readonly ConcurrentDictionary<object, (RunningAttempt Attempt, CancellationTokenSource Cancellation)> _jobs = new();
    private readonly Lock _idleLock = new();
    private long _idleSince = Stopwatch.GetTimestamp();
    private TaskCompletionSource _drained = Completed();

    public int Count => _jobs.Count;

    /// <summary>The attempts running here, each once, with their report tokens (so their leases are renewed).</summary>
    public IReadOnlyList<RunningAttempt> Snapshot() => [.. _jobs.Values.Select(j => j.Attempt).Distinct()];

    /// <summary>Seconds since the last job here ended (or since start); null while a job runs.</summary>
    public double? IdleSeconds()
    {
        lock (_idleLock)
        {
            return _jobs.IsEmpty ? Stopwatch.GetElapsedTime(_idleSince).TotalSeconds : null;
        }
    }

    /// <summary>Completes when no job runs here.</summary>
    public Task Drained
    {
        get
        {
            lock (_idleLock)
            {
                return _drained.Task;
            }
        }
    }

    /// <summary>Registers a run; returns its handle for <see cref="Remove"/>.</summary>
    public object Add(RunningAttempt attempt, CancellationTokenSource cancellation)
    {
        lock (_idleLock)
        {
            if (_jobs.IsEmpty && _drained.Task.IsCompleted)
            {
                _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            var run = new object();
            _jobs[run] = (attempt, cancellation);
            return run;
        }
    }

    public void Remove(object run)
    {
        lock (_idleLock)
        {
            if (_jobs.TryRemove(run, out _) && _jobs.IsEmpty)
            {
                _idleSince = Stopwatch.GetTimestamp();
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Signals the handler of a running job to stop, if its attempt is before <paramref name="current"/>;
    /// false when no such attempt runs here.
    /// </summary>
    public bool TryCancel(Guid jobId, int current)
    {
        var found = false;
        foreach (var (_, job) in _jobs)
        {
            if (job.Attempt.JobId != jobId || job.Attempt.Attempt >= current)
            {
                continue;
            }

            found = true;
            try
            {
                job.Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The attempt ended between the lookup and the cancel; nothing left to stop.
            }
        }

        return found;
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}
