using System.Threading.Channels;

namespace Fleet.Gateway.Workers;

/// <summary>
/// This gateway's copy of the live workers, as last read from the <c>workers</c> table (the one source of
/// truth, which every gateway writes from the heartbeats it receives) by <see cref="LiveWorkersRefresher"/>:
/// every second, and at once after a batch of heartbeats commits. Routing reads it on every job, so it
/// must not query the database itself.
/// </summary>
public sealed class LiveWorkers(TimeProvider time)
{
    private readonly Channel<bool> _refresh = Channel.CreateBounded<bool>(new BoundedChannelOptions(
        1) { FullMode = BoundedChannelFullMode.DropWrite });
    private IReadOnlyList<LiveWorker> _current = [];
    private TaskCompletionSource _updated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The live workers as last read.</summary>
    public IReadOnlyList<LiveWorker> Current => Volatile.Read(ref _current);

    /// <summary>Heartbeats were recorded: read the table again now, not at the next tick.</summary>
    public void Refresh() => _refresh.Writer.TryWrite(true);

    /// <summary>Completes after the next update, or after <paramref name="timeout"/>.</summary>
    public async Task WaitForUpdateAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _updated).Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // A periodic look regardless of updates.
        }
    }

    /// <summary>Takes a new reading of the table.</summary>
    public void Update(IReadOnlyList<LiveWorker> workers)
    {
        Volatile.Write(ref _current, workers);
        Interlocked.Exchange(ref _updated, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Waits until <see cref="Refresh"/> is called or <paramref name="interval"/> passes.</summary>
    internal async Task WaitForRefreshRequestAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        tick.CancelAfter(interval);
        try
        {
            await _refresh.Reader.ReadAsync(tick.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The periodic read.
        }
    }
}
