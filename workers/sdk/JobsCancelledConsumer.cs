using Fleet.Contracts.Messages;
using MassTransit;

namespace Fleet.Worker.Sdk;

/// <summary>Remembers jobs the gateway cancelled, and stops those that run here.</summary>
public sealed class JobsCancelledConsumer(CancelledJobs cancelled, RunningJobs running) : IConsumer<JobsCancelled>
{
    public Task Consume(ConsumeContext<JobsCancelled> context)
    {
        cancelled.Add(context.Message.JobIds);
        foreach (var id in context.Message.JobIds)
        {
            running.TryCancel(id);
        }

        return Task.CompletedTask;
    }
}
