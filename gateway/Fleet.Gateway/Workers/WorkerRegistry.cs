using System.Collections.Concurrent;
using Fleet.Contracts.Messages;

namespace Fleet.Gateway.Workers;

/// <summary>The latest heartbeat of every worker. A worker silent for <see cref="WorkerHeartbeat.LiveFor"/> counts as gone.</summary>
public sealed class WorkerRegistry(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (WorkerHeartbeat Beat, DateTimeOffset ReceivedAt)> _workers = new();

    private TaskCompletionSource _gpuHeartbeat = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Record(WorkerHeartbeat beat)
    {
        if (beat.Hardware == Fleet.Contracts.Hardware.Gpu)
        {
            Interlocked.Exchange(ref _gpuHeartbeat, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        if (beat.Stopping)
        {
            _workers.TryRemove(beat.WorkerId, out _);
            return;
        }

        _workers[beat.WorkerId] = (beat, time.GetUtcNow());
    }

    /// <summary>Completes at the next GPU worker heartbeat, or after <paramref name="timeout"/>.</summary>
    public async Task WaitForGpuHeartbeatAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _gpuHeartbeat).Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Periodic check regardless of heartbeats.
        }
    }

    /// <summary>Workers heard from recently.</summary>
    public IReadOnlyList<WorkerHeartbeat> Live()
    {
        var now = time.GetUtcNow();
        return [.. _workers.Values.Where(w => now - w.ReceivedAt < WorkerHeartbeat.LiveFor).Select(w => w.Beat)];
    }
}
