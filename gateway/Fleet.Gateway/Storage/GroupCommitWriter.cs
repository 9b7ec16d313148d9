using System.Threading.Channels;
using Microsoft.Extensions.Hosting;

namespace Fleet.Gateway.Storage;

/// <summary>
/// Group commit: callers enqueue an item and await its durable write; one loop drains whatever is
/// waiting (up to <see cref="MaxBatch"/> items and about <see cref="MaxBatchBytes"/>) and writes it in
/// one transaction. Idle, a lone item is written at once; under load, items that arrive during a
/// commit share the next one, so the database sees a few large transactions instead of one per request.
/// </summary>
public abstract class GroupCommitWriter<TItem, TResult> : BackgroundService
{
    private const int MaxBatch = 512;

    // 29 jobs of 9 MB in one batch outran the command timeout and failed together; a batch of large
    // items stops at this size (it always takes at least one item).
    private const long MaxBatchBytes = 16 * 1024 * 1024;

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(50_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public async Task<TResult> WriteAsync(TItem item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item);
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Completion.Task;
    }

    /// <summary>Writes one batch in one transaction and returns one result per item, in order.</summary>
    protected abstract Task<IReadOnlyList<TResult>> WriteBatchAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken);

    /// <summary>How much an item weighs in a batch (bytes it writes beyond a fixed-size row); 0 by default.</summary>
    protected virtual long SizeOf(TItem item) => 0;

    /// <summary>Runs after the batch committed and its callers were released.</summary>
    protected virtual void OnCommitted(IReadOnlyList<TItem> items, IReadOnlyList<TResult> results)
    {
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        var items = new List<TItem>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            items.Clear();
            long bytes = 0;
            while (batch.Count < MaxBatch && _queue.Reader.TryPeek(out var next)
                && (batch.Count == 0 || bytes + SizeOf(next.Item) <= MaxBatchBytes) && _queue.Reader.TryRead(out var pending))
            {
                bytes += SizeOf(pending.Item);
                batch.Add(pending);
                items.Add(pending.Item);
            }

            IReadOnlyList<TResult> results;
            try
            {
                results = await WriteBatchAsync(items, stoppingToken);
            }
            catch (Exception e)
            {
                // Nothing of the batch committed; every caller sees the failure and nothing is lost
                // silently (an HTTP caller gets 503, a message consumer has its message redelivered).
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(e);
                }

                continue;
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }

            OnCommitted(items, results);
        }
    }

    private sealed class Pending(TItem item)
    {
        public TItem Item { get; } = item;

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
