using Fleet.Contracts.Messages;
using MassTransit;

namespace Fleet.Gateway.Workers;

public sealed class WorkerHeartbeatConsumer(WorkerRegistry registry) : IConsumer<WorkerHeartbeat>
{
    public Task Consume(ConsumeContext<WorkerHeartbeat> context)
    {
        registry.Record(context.Message);
        return Task.CompletedTask;
    }
}
