using Fleet.Contracts.Messages;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Reports;
using MassTransit;

namespace Fleet.Gateway.Workers;

/// <summary>
/// A heartbeat updates this gateway's view of the workers (routing reads it on every job) and,
/// through the recorder's batch, the <c>workers</c> table and the leases of the jobs it lists.
/// An unsigned or stale heartbeat changes nothing (<see cref="ReportGuard"/>).
/// </summary>
public sealed class WorkerHeartbeatConsumer(WorkerRegistry registry, JobEventRecorder recorder, ReportGuard guard)
    : IConsumer<WorkerHeartbeat>
{
    public Task Consume(ConsumeContext<WorkerHeartbeat> context)
    {
        if (guard.Admit(context.Message) is not { } beat)
        {
            return Task.CompletedTask;
        }

        registry.Record(beat);
        return recorder.RecordAsync(beat, context.CancellationToken);
    }
}
