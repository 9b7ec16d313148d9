using Fleet.Contracts.Messages;
using MassTransit;

namespace Fleet.Gateway.Reports;

/// <summary>
/// A heartbeat goes, through the recorder's batch, into the <c>workers</c> table (which every gateway's
/// routing reads) and renews the leases of the attempts it lists. An unsigned or stale heartbeat changes
/// nothing (<see cref="ReportGuard"/>).
/// </summary>
public sealed class HeartbeatConsumer(ReportRecorder recorder, ReportGuard guard)
    : IConsumer<WorkerHeartbeat>
{
    public Task Consume(ConsumeContext<WorkerHeartbeat> context)
    {
        if (guard.Admit(context.Message) is not { } beat)
        {
            return Task.CompletedTask;
        }

        return recorder.RecordAsync(beat, context.CancellationToken);
    }
}
