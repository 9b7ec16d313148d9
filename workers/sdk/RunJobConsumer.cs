using System.Diagnostics;
using Fleet.Contracts.Messages;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Sdk;

/// <summary>
/// Runs one attempt of a job and reports it. The message is acknowledged only after the outcome is
/// confirmed by the broker, so a worker that dies mid-job leaves the message to be delivered again.
/// A handler's exception is the job's failure and is reported, never swallowed; an infrastructure
/// failure (publishing, shutdown) flows to MassTransit and the message is redelivered.
/// </summary>
public sealed class RunJobConsumer(
    JobHandlerRegistry handlers,
    IServiceProvider services,
    IWorkerDevice device,
    WorkerIdentity worker,
    RunningJobs running,
    CancelledJobs cancelled,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger<RunJobConsumer> log) : IConsumer<RunJob>
{
    public async Task Consume(ConsumeContext<RunJob> context)
    {
        var job = context.Message;
        if (cancelled.Contains(job.JobId))
        {
            log.LogInformation("Job {JobId} was cancelled while queued; dropping it", job.JobId);
            return;
        }

        var startedAt = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        attempt.CancelAfter(job.ExecutionTimeoutMs);
        running.Add(job.JobId, attempt);
        object? outcome;
        var started = Task.CompletedTask;
        try
        {
            var handler = RunHandlerAsync(context, job, startedAt, attempt, context.CancellationToken);
            // A job that ends within the report delay goes straight from queued to its ending (whose
            // message carries the start time): one message and one database write fewer per short
            // job. A longer one is reported started while it runs.
            if (!handler.IsCompleted
                && await Task.WhenAny(handler, Task.Delay(options.Value.StartedReportDelay, time, attempt.Token)) != handler)
            {
                started = context.Publish(new JobStarted(job.JobId, job.Attempt, worker.Id, device.Name, startedAt), context.CancellationToken);
            }

            outcome = await handler;
        }
        finally
        {
            running.Remove(job.JobId);
        }

        // The ending does not wait for the start's confirm: the gateway's updates are guarded by
        // status, so the two may arrive in either order; both are confirmed before the ack.
        if (outcome is not null)
        {
            await context.Publish(outcome, context.CancellationToken);
            log.LogDebug("Job {JobId} attempt {Attempt}: {Outcome} in {Ms} ms", job.JobId, job.Attempt, outcome.GetType().Name, clock.ElapsedMilliseconds);
        }

        await started;
    }

    /// <returns>The event to publish, or null when the gateway already knows the ending (cancelled).</returns>
    private async Task<object?> RunHandlerAsync(
        IPublishEndpoint publish, RunJob job, DateTimeOffset startedAt, CancellationTokenSource attempt, CancellationToken shutdown)
    {
        var cancellationToken = attempt.Token;
        if (!handlers.TryGet(job.Handler, out var invoker))
        {
            return Failed(job, startedAt, $"this worker has no handler '{job.Handler}'", "UnknownHandler", timedOut: false, permanent: true);
        }

        try
        {
            var context = new JobContext(job.JobId, job.EndpointId, job.Attempt, worker.Id, device.Name,
                (sequence, chunk, token) => publish.Publish(new JobStreamed(job.JobId, job.Attempt, sequence, chunk), token),
                (message, percent, token) =>
                {
                    attempt.CancelAfter(job.ExecutionTimeoutMs);
                    return publish.Publish(new JobProgressed(job.JobId, job.Attempt, message, percent, time.GetUtcNow()), token);
                });
            var output = await invoker.InvokeAsync(services, job.Input, context, cancellationToken);
            return new JobSucceeded(job.JobId, job.Attempt, worker.Id, device.Name, startedAt, time.GetUtcNow(), output, context.StreamedChunks);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (cancelled.Contains(job.JobId))
            {
                // The gateway already recorded the cancellation; there is nothing more to report.
                return null;
            }

            if (shutdown.IsCancellationRequested)
            {
                // The worker is stopping: the message goes back to its queue for another worker.
                throw;
            }

            return Failed(job, startedAt, $"execution timeout of {job.ExecutionTimeoutMs} ms exceeded", "Timeout", timedOut: true, permanent: false);
        }
        catch (Exception e)
        {
            log.LogWarning("Job {JobId} attempt {Attempt} failed: {Error}", job.JobId, job.Attempt, e.Message);
            return Failed(job, startedAt, e.Message, e.GetType().Name, timedOut: false, permanent: e is PermanentJobException);
        }
    }

    private JobFailed Failed(RunJob job, DateTimeOffset startedAt, string error, string errorType, bool timedOut, bool permanent) =>
        new(job.JobId, job.EndpointId, job.Attempt, worker.Id, device.Name, startedAt, time.GetUtcNow(), error, errorType, timedOut, permanent);
}
