using System.Collections.Concurrent;

namespace Fleet.Worker.Sdk;

/// <summary>
/// Jobs the gateway cancelled or purged while their messages may still sit in a queue. A worker
/// that receives one drops it instead of starting it. Entries expire: a purged job's message is
/// consumed within minutes, and the set must not grow for the life of the process.
/// </summary>
public sealed class CancelledJobs(TimeProvider time)
{
    private static readonly TimeSpan s_keep = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<Guid, long> _cancelledAt = new();
    private long _lastPrune;

    public bool Contains(Guid jobId) => _cancelledAt.ContainsKey(jobId);

    public void Add(IEnumerable<Guid> jobIds)
    {
        var now = time.GetTimestamp();
        foreach (var id in jobIds)
        {
            _cancelledAt[id] = now;
        }

        if (time.GetElapsedTime(Interlocked.Read(ref _lastPrune), now) > s_keep)
        {
            Interlocked.Exchange(ref _lastPrune, now);
            foreach (var (id, at) in _cancelledAt)
            {
                if (time.GetElapsedTime(at, now) > s_keep)
                {
                    _cancelledAt.TryRemove(id, out _);
                }
            }
        }
    }
}
