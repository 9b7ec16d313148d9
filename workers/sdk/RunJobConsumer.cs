using Fleet.Contracts.Messages;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Sdk;

/// <summary>
/// Takes a job from its queue into a free slot, runs it (<see cref="JobRunner"/>) and holds its
/// message until the job's ending is confirmed by the broker. Holding it keeps RabbitMQ's prefetch
/// honest: a worker is sent no more jobs than it can run, a job waits in the queue (where any worker,
/// a newly started one too, can take it), and unacknowledged messages are the running jobs. If the
/// worker dies, RabbitMQ delivers the message again and the next worker takes the job's lease over.
/// A job that runs longer than <see cref="WorkerOptions.DetachAfter"/> lets its message go, before
/// RabbitMQ's consumer timeout (30 min) would close the channel; its lease alone holds it from then on.
/// A job accepted at a newer worker version of its endpoint than this worker's is handed back, and the endpoint is
/// superseded here (<see cref="SupersededEndpoints"/>): jobs accepted after a change run on the new version.
/// </summary>
public sealed class RunJobConsumer(
    JobRunner runner,
    JobSlots slots,
    ServedEndpoints served,
    SupersededEndpoints superseded,
    CancelledJobs cancelled,
    WorkerLifecycle lifecycle,
    IWorkerDevice device,
    WorkerIdentity worker,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<RunJobConsumer> log) : IConsumer<RunJob>
{
    public async Task Consume(ConsumeContext<RunJob> context)
    {
        var job = context.Message;
        if (DropIfCancelled(job))
        {
            return;
        }

        if (context.ReceiveContext.Redelivered)
        {
            log.LogInformation("Job {JobId} attempt {Attempt} is delivered again: the worker that had it was lost", job.JobId, job.Attempt);
        }

        var version = served.VersionOf(job.EndpointId);
        if (version > 0 && job.EndpointVersion > version)
        {
            superseded.Supersede(job.EndpointId, version, job.EndpointVersion);
        }

        var slot = slots.For(job.EndpointId);
        if (superseded.Contains(job.EndpointId) || !await EnterAsync(slot, context.CancellationToken))
        {
            // Every slot is held by jobs that let their messages go (long ones), the worker is
            // stopping, or a newer version of the endpoint rolls out: the job goes back to its queue
            // (confirmed before this delivery is acknowledged) for any worker to take.
            await HandBackAsync(context);
            return;
        }

        // It may have been cancelled (or purged, or expired) while it waited for the slot.
        if (DropIfCancelled(job))
        {
            slot.Release();
            return;
        }

        var attempt = runner.Start(job, slot);
        // A job that ends within the report delay goes straight from queued to its ending (whose
        // message carries the start time): one message and one database write fewer per short job.
        var reportDelay = Task.Delay(options.Value.StartedReportDelay, time, CancellationToken.None);
        if (await Task.WhenAny(attempt.Reported, reportDelay) == attempt.Reported)
        {
            await attempt.Reported;
            return;
        }

        // The start takes the job's lease (from a lost worker too, on a delivery like this one).
        var started = new JobStarted(job.JobId, job.Attempt, worker.Id, device.Name, attempt.StartedAt, JobRunner.Token(job), version);
        await context.Publish(started, context.CancellationToken);

        // Not the delivery's cancellation: a stopping worker finishes its jobs (a drain), and the
        // message must stay unacknowledged until the ending is out.
        var detach = Task.Delay(options.Value.DetachAfter, time, CancellationToken.None);
        if (await Task.WhenAny(attempt.Reported, detach) == attempt.Reported)
        {
            await attempt.Reported;
            return;
        }

        log.LogInformation("Job {JobId} attempt {Attempt} has run {Minutes:0.#} min: its message is acknowledged, its lease holds it",
            job.JobId, job.Attempt, options.Value.DetachAfter.TotalMinutes);
    }

    private async Task HandBackAsync(ConsumeContext<RunJob> context)
    {
        var queue = await context.GetSendEndpoint(served.QueueAddress(context.Message.EndpointId));
        await queue.Send(context.Message, context.CancellationToken);
    }

    private bool DropIfCancelled(RunJob job)
    {
        if (!cancelled.Drops(job.JobId, job.Attempt))
        {
            return false;
        }

        if (cancelled.Contains(job.JobId))
        {
            log.LogInformation("Job {JobId} was cancelled while queued; dropping it", job.JobId);
        }
        else
        {
            log.LogInformation("Job {JobId} attempt {Attempt} was superseded by a later attempt; dropping it", job.JobId, job.Attempt);
        }

        return true;
    }

    /// <returns>False when the slot wait ran past its limit or the worker stopped taking work.</returns>
    private async Task<bool> EnterAsync(SemaphoreSlim slot, CancellationToken delivery)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(delivery, lifecycle.Closing);
        try
        {
            return !lifecycle.Stopping && await slot.WaitAsync(options.Value.SlotWaitLimit, stop.Token);
        }
        catch (OperationCanceledException) when (!delivery.IsCancellationRequested)
        {
            return false;
        }
    }
}
