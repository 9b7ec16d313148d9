using Fleet.Contracts.Messages;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Sdk;

/// <summary>
/// Takes a job from its queue into a free slot and starts it. The message is acknowledged when the
/// broker has confirmed either the job's ending (a job shorter than the report delay: one message,
/// no start report) or its start, from which point the job's lease holds it (see
/// <see cref="JobRunner"/>). Until then a worker that dies leaves the message to be delivered again.
/// </summary>
public sealed class RunJobConsumer(
    JobRunner runner,
    JobSlots slots,
    ServedEndpoints served,
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

        var slot = slots.For(job.EndpointId);
        if (!await EnterAsync(slot, context.CancellationToken))
        {
            // No slot came free in time, or the worker is stopping: the job goes back to the end of
            // its queue (confirmed before this delivery is acknowledged) for any worker to take.
            var queue = await context.GetSendEndpoint(served.QueueAddress(job.EndpointId));
            await queue.Send(job, context.CancellationToken);
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
        var reportDelay = Task.Delay(options.Value.StartedReportDelay, time, context.CancellationToken);
        if (await Task.WhenAny(attempt.Reported, reportDelay) == attempt.Reported)
        {
            await attempt.Reported;
            return;
        }

        // The start takes the lease; after its confirm, the lease holds the job and the ack may go.
        await context.Publish(new JobStarted(job.JobId, job.Attempt, worker.Id, device.Name, attempt.StartedAt), context.CancellationToken);
    }

    private bool DropIfCancelled(RunJob job)
    {
        if (!cancelled.Contains(job.JobId))
        {
            return false;
        }

        log.LogInformation("Job {JobId} was cancelled while queued; dropping it", job.JobId);
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
