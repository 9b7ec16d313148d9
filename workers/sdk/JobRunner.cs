using Fleet.Contracts.Messages;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Sdk;

/// <summary>One attempt started by <see cref="JobRunner"/>.</summary>
/// <param name="StartedAt">When the handler started, as the reports give it.</param>
/// <param name="Reported">Completes once the attempt's ending is confirmed by the broker (or known to the gateway).</param>
public sealed record StartedAttempt(DateTimeOffset StartedAt, Task Reported);

/// <summary>
/// Runs attempts in the background, each in a slot, and reports their endings. An attempt can
/// outlive the delivery of its message (a long job lets it go, see <see cref="RunJobConsumer"/>):
/// the job's lease, renewed by heartbeats, holds it, and if the worker dies the gateway queues the
/// job again. A handler's exception is the job's failure and is reported, never swallowed.
/// </summary>
public sealed class JobRunner(
    JobHandlerRegistry handlers,
    ServedEndpoints served,
    IServiceProvider services,
    IWorkerDevice device,
    WorkerIdentity worker,
    RunningJobs running,
    CancelledJobs cancelled,
    WorkerLifecycle lifecycle,
    IBus bus,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger<JobRunner> log)
{
    private static readonly TimeSpan s_publishTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_publishRetryCap = TimeSpan.FromSeconds(10);

    /// <summary>Starts the attempt; it holds <paramref name="slot"/> (already entered) until it ends.</summary>
    public StartedAttempt Start(RunJob job, SemaphoreSlim slot)
    {
        var startedAt = time.GetUtcNow();
        var attempt = new CancellationTokenSource();
        attempt.CancelAfter(job.ExecutionTimeoutMs);
        var run = running.Add(new RunningAttempt(job.JobId, job.Attempt, Token(job)), attempt);
        if (cancelled.Drops(job.JobId, job.Attempt))
        {
            // Cancelled between the consumer's last look and the line above, where the
            // cancellation could not find it running.
            attempt.Cancel();
        }

        return new StartedAttempt(startedAt, Task.Run(() => RunAsync(job, run, startedAt, attempt, slot)));
    }

    private async Task RunAsync(RunJob job, object run, DateTimeOffset startedAt, CancellationTokenSource attempt, SemaphoreSlim slot)
    {
        var runaway = false;
        try
        {
            var handler = RunHandlerAsync(job, startedAt, attempt);
            object? outcome;
            if (await StopsInTimeAsync(handler, attempt.Token))
            {
                outcome = await handler;
            }
            else
            {
                runaway = true;
                lifecycle.StopForRunawayHandler(job.JobId, options.Value.CancelGrace);
                outcome = cancelled.Drops(job.JobId, job.Attempt) ? null : TimedOut(job, startedAt);
            }

            if (outcome is not null)
            {
                await PublishUntilConfirmedAsync(outcome);
                log.LogDebug("Job {JobId} attempt {Attempt} reported {Outcome}", job.JobId, job.Attempt, outcome.GetType().Name);
            }
        }
        finally
        {
            running.Remove(run);
            if (!runaway)
            {
                // A runaway handler still computes: its slot stays taken while the worker drains.
                slot.Release();
                attempt.Dispose();
            }
        }
    }

    /// <summary>False when the attempt was cancelled and the handler outlived the grace period.</summary>
    private async Task<bool> StopsInTimeAsync(Task handler, CancellationToken attempt)
    {
        var cancelledSignal = new TaskCompletionSource();
        await using (attempt.Register(() => cancelledSignal.TrySetResult()))
        {
            if (await Task.WhenAny(handler, cancelledSignal.Task) == handler)
            {
                return true;
            }
        }

        return await Task.WhenAny(handler, Task.Delay(options.Value.CancelGrace, time, CancellationToken.None)) == handler;
    }

    /// <returns>The event to publish, or null when the gateway already knows the ending (cancelled).</returns>
    private async Task<object?> RunHandlerAsync(RunJob job, DateTimeOffset startedAt, CancellationTokenSource attempt)
    {
        await Task.Yield();
        var cancellationToken = attempt.Token;
        if (!handlers.TryGet(job.Handler, out var invoker))
        {
            return Failed(job, startedAt, $"this worker has no handler '{job.Handler}'", "UnknownHandler", timedOut: false,
                permanent: true);
        }

        try
        {
            var context = new JobContext(job.JobId, job.EndpointId, job.Attempt, worker.Id, device.Name,
                (sequence, chunk, token) => bus.Publish(new JobStreamed(job.JobId, job.Attempt, sequence, chunk, Token(job)), token),
                (message, percent, token) =>
                {
                    attempt.CancelAfter(job.ExecutionTimeoutMs);
                    return bus.Publish(new JobProgressed(job.JobId, job.Attempt, message, percent, time.GetUtcNow(), Token(job)), token);
                });
            var output = await invoker.InvokeAsync(services, job.Input, context, cancellationToken);
            return new JobSucceeded(job.JobId, job.Attempt, worker.Id, device.Name, startedAt, time.GetUtcNow(), output,
                context.StreamedChunks, Token(job), served.VersionOf(job.EndpointId));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled or superseded by the gateway (which recorded that already), else the
            // execution timeout fired.
            if (cancelled.Drops(job.JobId, job.Attempt))
            {
                log.LogInformation("Job {JobId} attempt {Attempt} was stopped: cancelled, or superseded by a later attempt", job.JobId,
                    job.Attempt);
                return null;
            }

            return TimedOut(job, startedAt);
        }
        catch (Exception e)
        {
            log.LogWarning("Job {JobId} attempt {Attempt} failed: {Error}", job.JobId, job.Attempt, e.Message);
            return Failed(job, startedAt, e.Message, e.GetType().Name, timedOut: false, permanent: e is PermanentJobException);
        }
    }

    /// <summary>
    /// The ending must reach the gateway: a broker that is away is waited for. Should the worker die
    /// first, the job's lease runs out and the gateway queues the job again.
    /// </summary>
    private async Task PublishUntilConfirmedAsync(object outcome)
    {
        for (var failures = 0; ; failures++)
        {
            try
            {
                using var timeout = new CancellationTokenSource(s_publishTimeout);
                // WaitAsync as well: a publish caught in a connection recovery must not hold the
                // job (and its slot) even if it misses its token.
                await bus.Publish(outcome, timeout.Token).WaitAsync(s_publishTimeout + s_publishTimeout);
                return;
            }
            catch (Exception e) when (e is not ObjectDisposedException)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(s_publishRetryCap.TotalMilliseconds, 100 * Math.Pow(2, failures)));
                log.LogWarning("Reporting {Outcome} failed ({Error}); trying again in {Delay} ms", outcome.GetType().Name, e.Message,
                    delay.TotalMilliseconds);
                await Task.Delay(delay, time);
            }
        }
    }

    private JobFailed TimedOut(RunJob job, DateTimeOffset startedAt) =>
        Failed(job, startedAt, $"execution timeout of {job.ExecutionTimeoutMs} ms exceeded", "Timeout", timedOut: true, permanent: false);

    private JobFailed Failed(RunJob job, DateTimeOffset startedAt, string error, string errorType, bool timedOut, bool permanent) =>
        new(job.JobId, job.EndpointId, job.Attempt, worker.Id, device.Name, startedAt, time.GetUtcNow(),
            error, errorType, timedOut, permanent, Token(job), served.VersionOf(job.EndpointId));

    /// <summary>The attempt's report token, returned with every report (a gateway ignores a report without it).</summary>
    internal static string Token(RunJob job) => job.ReportToken ?? "";
}
