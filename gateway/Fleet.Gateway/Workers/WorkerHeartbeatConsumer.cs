using Fleet.Contracts.Messages;
using Fleet.Gateway.Jobs;
using MassTransit;

namespace Fleet.Gateway.Workers;

/// <summary>
/// A heartbeat updates this gateway's view of the workers (routing reads it on every job) and,
/// through the recorder's batch, the <c>workers</c> table and the leases of the jobs it lists.
/// </summary>
public sealed class WorkerHeartbeatConsumer(WorkerRegistry registry, JobEventRecorder recorder) : IConsumer<WorkerHeartbeat>
{
    public Task Consume(ConsumeContext<WorkerHeartbeat> context)
    {
        registry.Record(context.Message);
        return recorder.RecordAsync(context.Message, context.CancellationToken);
    }
}
