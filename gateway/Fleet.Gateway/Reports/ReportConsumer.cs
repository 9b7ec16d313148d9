using Fleet.Contracts.Messages;
using MassTransit;

namespace Fleet.Gateway.Reports;

/// <summary>
/// Records what workers report. The message is acknowledged after its batch committed; if the
/// database is down the consumer's retry policy holds it, and nothing is acknowledged unrecorded.
/// A report without its attempt's token is dropped before the batch (<see cref="ReportGuard"/>).
/// </summary>
public sealed class ReportConsumer(ReportRecorder recorder, ReportGuard guard)
    : IConsumer<JobStarted>, IConsumer<JobSucceeded>, IConsumer<JobFailed>, IConsumer<JobStreamed>, IConsumer<JobProgressed>
{
    public Task Consume(ConsumeContext<JobStarted> context) =>
        Record(context, context.Message.JobId, context.Message.Attempt, context.Message.ReportToken, context.Message.WorkerId);

    public Task Consume(ConsumeContext<JobSucceeded> context) =>
        Record(context, context.Message.JobId, context.Message.Attempt, context.Message.ReportToken, context.Message.WorkerId);

    public Task Consume(ConsumeContext<JobFailed> context) =>
        Record(context, context.Message.JobId, context.Message.Attempt, context.Message.ReportToken, context.Message.WorkerId);

    public Task Consume(ConsumeContext<JobStreamed> context) =>
        Record(context, context.Message.JobId, context.Message.Attempt, context.Message.ReportToken, workerId: null);

    public Task Consume(ConsumeContext<JobProgressed> context) =>
        Record(context, context.Message.JobId, context.Message.Attempt, context.Message.ReportToken, workerId: null);

    private Task Record<T>(ConsumeContext<T> context, Guid jobId, int attempt, string? token, string? workerId)
        where T : class =>
        guard.Admits(typeof(T).Name, jobId, attempt, token, workerId)
            ? recorder.RecordAsync(context.Message, context.CancellationToken)
            : Task.CompletedTask;
}
