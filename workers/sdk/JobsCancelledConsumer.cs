using Fleet.Contracts.Messages;
using MassTransit;

namespace Fleet.Worker.Sdk;

/// <summary>Remembers jobs the gateway cancelled and attempts it superseded, and stops those that run here.</summary>
public sealed class JobsCancelledConsumer(CancelledJobs cancelled, RunningJobs running) : IConsumer<JobsCancelled>,
    IConsumer<AttemptsSuperseded>
{
    public Task Consume(ConsumeContext<JobsCancelled> context)
    {
        cancelled.Add(context.Message.JobIds);
        foreach (var id in context.Message.JobIds)
        {
            running.TryCancel(id, int.MaxValue);
        }

        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<AttemptsSuperseded> context)
    {
        cancelled.Supersede(context.Message.Jobs);
        foreach (var job in context.Message.Jobs)
        {
            running.TryCancel(job.JobId, job.Current);
        }

        return Task.CompletedTask;
    }
}
