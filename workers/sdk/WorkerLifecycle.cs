using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Worker.Sdk;

/// <summary>
/// Whether this worker still takes work. It stops taking work when the host stops (SIGTERM: the
/// autoscaler's drain, or a deploy) or when a handler ignored its cancellation; the running jobs
/// end first, then the process exits.
/// </summary>
public sealed class WorkerLifecycle(IHostApplicationLifetime host, ILogger<WorkerLifecycle> log) : IDisposable
{
    /// <summary>Exit code of a worker that stopped because a handler ignored its cancellation: restart it.</summary>
    public const int RunawayHandlerExitCode = 75;

    private readonly CancellationTokenSource _closing = new();

    /// <summary>Cancelled once the worker takes no more jobs.</summary>
    public CancellationToken Closing => _closing.Token;

    public bool Stopping => _closing.IsCancellationRequested;

    public void Dispose() => _closing.Dispose();

    /// <summary>Takes no more jobs (idempotent).</summary>
    public void StopTakingWork() => _closing.Cancel();

    /// <summary>
    /// A handler kept running after its job was cancelled or timed out and the grace period passed.
    /// .NET cannot stop a thread, so the process must go: it drains its other jobs and exits with
    /// <see cref="RunawayHandlerExitCode"/>, and its supervisor (the autoscaler, Kubernetes) starts a
    /// fresh one.
    /// </summary>
    public void StopForRunawayHandler(Guid jobId, TimeSpan grace)
    {
        log.LogError(
            "The handler of job {JobId} ignored its cancellation for {Grace} s; this worker takes no more jobs and exits " +
            "after its other jobs end",
            jobId, grace.TotalSeconds);
        Environment.ExitCode = RunawayHandlerExitCode;
        StopTakingWork();
        host.StopApplication();
    }
}
