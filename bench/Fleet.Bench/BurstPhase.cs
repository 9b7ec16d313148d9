using System.Collections.Concurrent;
using System.Diagnostics;

namespace Fleet.Bench;

/// <summary>
/// Submits jobs with /run, at most <c>concurrency</c> requests in flight, and polls each one's
/// status until it ends. A job's latency runs from just before its submit to the answer of the
/// first poll that shows it ended, so it is an upper bound: the job ended somewhere in the window
/// since the last poll that still saw it pending, and that window is reported as the resolution.
/// </summary>
public sealed class BurstPhase(FleetClient client, int jobs, int concurrency, int pollers)
{
    // First poll 2 ms after the submit answer, then 4, 8, ... up to 50 ms: short jobs are timed to a
    // few ms, while a long job costs at most ~20 polls/s, so polling cannot swamp the gateway.
    public const int MinBackoffMs = 2;
    public const int MaxBackoffMs = 50;

    // Without a Retry-After, back off long enough for a shedding gateway to drain some of its queue.
    private const int DefaultRetryMs = 100;
    private const int MaxErrorSamples = 5;

    private readonly Lock _gate = new();
    private readonly PriorityQueue<TrackedJob, long> _due = new();
    private readonly double[] _latencyMs = new double[jobs];
    private readonly double[] _windowMs = new double[jobs];
    private readonly ConcurrentQueue<string> _errorSamples = new();
    private readonly TaskCompletionSource _allEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _claimed;
    private int _remaining;
    private int _completed;
    private int _failed;
    private int _sampled;
    private long _runRequests;
    private long _pollRequests;
    private long _lastSubmitAnswered;
    private long _lastEndSeen;

    /// <exception cref="FatalBenchException">The gateway went away or refused the key mid-run.</exception>
    public async Task<BurstResult> RunAsync(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var started = Stopwatch.GetTimestamp();
        _lastSubmitAnswered = _lastEndSeen = started;
        _remaining = jobs;
        if (jobs == 0)
        {
            _allEnded.TrySetResult();
        }

        var workers = Enumerable.Range(0, concurrency).Select(_ => RunWorkerAsync(SubmitLoopAsync, stop))
            .Concat(Enumerable.Range(0, pollers).Select(_ => RunWorkerAsync(PollLoopAsync, stop)))
            .ToArray();
        try
        {
            await _allEnded.Task.WaitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Deadline, Ctrl+C, or a fatal error in a worker; the latter surfaces from WhenAll below.
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);

        // Cut short by the deadline: the phase lasted until now, not until the last job that ended.
        var endedAt = _remaining > 0 ? Stopwatch.GetTimestamp() : _lastEndSeen;

        var completed = _completed;
        var latency = _latencyMs[..completed];
        var window = _windowMs[..completed];
        Array.Sort(latency);
        Array.Sort(window);
        return new BurstResult(
            jobs, completed, _failed, TimedOut: _remaining,
            WallMs: Stats.Ms(started, endedAt),
            SubmitMs: Stats.Ms(started, _lastSubmitAnswered),
            _runRequests, _pollRequests, latency, window, [.. _errorSamples]);
    }

    private static async Task RunWorkerAsync(Func<CancellationToken, Task> loop, CancellationTokenSource stop)
    {
        try
        {
            await loop(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch
        {
            // Stop the other workers so a dead gateway fails the run at once instead of at the deadline.
            await stop.CancelAsync();
            throw;
        }
    }

    private async Task SubmitLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && Interlocked.Increment(ref _claimed) <= jobs)
        {
            var submittedAt = Stopwatch.GetTimestamp();
            var result = await SubmitWithRetryAsync(ct);
            var answeredAt = Stopwatch.GetTimestamp();
            InterlockedMax(ref _lastSubmitAnswered, answeredAt);
            if (result.Job is { Id: { Length: > 0 } id } status && result.IsSuccess)
            {
                Observe(new TrackedJob(id, submittedAt, MinBackoffMs), status, submittedAt, answeredAt);
            }
            else
            {
                Fail(result.IsSuccess ? "run answered without an id" : $"run: {result.Describe()}", answeredAt);
            }
        }
    }

    private async Task<ApiResult> SubmitWithRetryAsync(CancellationToken ct)
    {
        while (true)
        {
            var result = await client.SubmitAsync(ct);
            Interlocked.Increment(ref _runRequests);

            // Only explicit load shedding is retried: after a transport error the job may exist already.
            if (result.Code is not (429 or 503))
            {
                return result;
            }

            await Task.Delay(result.RetryAfter > TimeSpan.Zero ? result.RetryAfter : TimeSpan.FromMilliseconds(DefaultRetryMs), ct);
        }
    }

    private async Task PollLoopAsync(CancellationToken ct)
    {
        while (Volatile.Read(ref _remaining) > 0)
        {
            ct.ThrowIfCancellationRequested();
            var job = TakeDue(out var waitMs);
            if (job is null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(waitMs), ct);
                continue;
            }

            var sentAt = Stopwatch.GetTimestamp();
            var result = await client.StatusAsync(job.Id, ct);
            var seenAt = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _pollRequests);
            if (result.IsSuccess)
            {
                Observe(job, result.Job!, sentAt, seenAt);
            }
            else if (result.IsTransient)
            {
                Schedule(job, seenAt, Math.Max(DefaultRetryMs, result.RetryAfter.TotalMilliseconds));
            }
            else
            {
                Fail($"status {job.Id}: {result.Describe()}", seenAt);
            }
        }
    }

    /// <summary>The job whose next poll is due, or null and how long to sleep before looking again.</summary>
    private TrackedJob? TakeDue(out double waitMs)
    {
        lock (_gate)
        {
            // Never sleep past the minimum backoff: a job submitted meanwhile may fall due that soon.
            waitMs = MinBackoffMs;
            if (!_due.TryPeek(out var job, out var due))
            {
                return null;
            }

            var now = Stopwatch.GetTimestamp();
            if (due <= now)
            {
                _due.Dequeue();
                return job;
            }

            waitMs = Math.Clamp(Stats.Ms(now, due), 1, MinBackoffMs);
            return null;
        }
    }

    private void Observe(TrackedJob job, JobStatus status, long sentAt, long seenAt)
    {
        if (status.IsCompleted)
        {
            var i = Interlocked.Increment(ref _completed) - 1;
            _latencyMs[i] = Stats.Ms(job.SubmittedAt, seenAt);
            _windowMs[i] = Stats.Ms(job.LastPendingSentAt, seenAt);
            End(seenAt);
        }
        else if (status.IsPending)
        {
            job.LastPendingSentAt = sentAt;
            Schedule(job, seenAt, job.BackoffMs);
            job.BackoffMs = Math.Min(job.BackoffMs * 2, MaxBackoffMs);
        }
        else
        {
            // FAILED, CANCELLED, TIMED_OUT, or a status the contract does not know: all count as errors.
            Fail($"job {job.Id} {status.Status ?? "(no status)"}: {status.Error?.ToString() ?? "no error given"}", seenAt);
        }
    }

    private void Schedule(TrackedJob job, long seenAt, double delayMs)
    {
        var due = seenAt + Stats.TicksFromMs(delayMs);
        lock (_gate)
        {
            _due.Enqueue(job, due);
        }
    }

    private void Fail(string message, long seenAt)
    {
        Interlocked.Increment(ref _failed);
        if (Interlocked.Increment(ref _sampled) <= MaxErrorSamples)
        {
            _errorSamples.Enqueue(message);
        }

        End(seenAt);
    }

    private void End(long seenAt)
    {
        InterlockedMax(ref _lastEndSeen, seenAt);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _allEnded.TrySetResult();
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
