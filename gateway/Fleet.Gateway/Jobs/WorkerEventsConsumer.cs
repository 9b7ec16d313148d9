using Fleet.Contracts.Messages;
using MassTransit;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// Records what workers report. The message is acknowledged after its batch committed; if the
/// database is down the consumer's retry policy holds it, and nothing is acknowledged unrecorded.
/// </summary>
public sealed class WorkerEventsConsumer(JobEventRecorder recorder)
    : IConsumer<JobStarted>, IConsumer<JobSucceeded>, IConsumer<JobFailed>, IConsumer<JobStreamed>, IConsumer<JobProgressed>
{
    public Task Consume(ConsumeContext<JobStarted> context) => recorder.RecordAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<JobSucceeded> context) => recorder.RecordAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<JobFailed> context) => recorder.RecordAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<JobStreamed> context) => recorder.RecordAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<JobProgressed> context) => recorder.RecordAsync(context.Message, context.CancellationToken);
}
