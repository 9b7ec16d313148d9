using System.Collections.Concurrent;
using Fleet.Contracts.Messages;

namespace Fleet.Worker.Sdk;

/// <summary>
/// Jobs the gateway cancelled or purged, and attempts it superseded (queued again after their
/// worker was lost), while their messages may still sit in a queue. A worker that receives one
/// drops it instead of starting it. Entries expire: such a message is consumed within minutes, and
/// the set must not grow for the life of the process.
/// </summary>
public sealed class CancelledJobs(TimeProvider time)
{
    private static readonly TimeSpan s_keep = TimeSpan.FromHours(1);

    // Per job: when it was recorded, and the current attempt (int.MaxValue: every attempt is dropped).
    private readonly ConcurrentDictionary<Guid, (long At, int Current)> _jobs = new();
    private long _lastPrune;

    /// <summary>The job was cancelled: no attempt of it may run.</summary>
    public bool Contains(Guid jobId) => _jobs.TryGetValue(jobId, out var entry) && entry.Current == int.MaxValue;

    /// <summary>This attempt must not run: its job was cancelled, or the attempt was superseded.</summary>
    public bool Drops(Guid jobId, int attempt) => _jobs.TryGetValue(jobId, out var entry) && attempt < entry.Current;

    public void Add(IEnumerable<Guid> jobIds)
    {
        var now = time.GetTimestamp();
        foreach (var id in jobIds)
        {
            _jobs[id] = (now, int.MaxValue);
        }

        Prune(now);
    }

    public void Supersede(IEnumerable<SupersededAttempt> attempts)
    {
        var now = time.GetTimestamp();
        foreach (var attempt in attempts)
        {
            _jobs.AddOrUpdate(attempt.JobId, (now, attempt.Current), (_, old) => (now, Math.Max(old.Current, attempt.Current)));
        }

        Prune(now);
    }

    private void Prune(long now)
    {
        if (time.GetElapsedTime(Interlocked.Read(ref _lastPrune), now) > s_keep)
        {
            Interlocked.Exchange(ref _lastPrune, now);
            foreach (var (id, entry) in _jobs)
            {
                if (time.GetElapsedTime(entry.At, now) > s_keep)
                {
                    _jobs.TryRemove(id, out _);
                }
            }
        }
    }
}
