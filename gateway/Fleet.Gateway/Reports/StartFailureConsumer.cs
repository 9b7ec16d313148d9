using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Storage;
using MassTransit;

namespace Fleet.Gateway.Reports;

/// <summary>
/// The autoscaler's report that an endpoint's workers fail to start goes into the catalog (every process sees it):
/// while failures are counted, queued jobs show why they wait; once the autoscaler gives up (tripped), the endpoint's
/// queued jobs fail with the workers' last error and submissions are refused, until a new worker version or a reset.
/// </summary>
public sealed class StartFailureConsumer(EndpointStore endpoints, JobTransitions transitions, ReportGuard guard,
    ILogger<StartFailureConsumer> log) : IConsumer<WorkerStartsFailed>
{
    /// <summary>Most of a worker's last output kept as the error: enough to read a stack trace, not a whole log.</summary>
    public const int MaxErrorLength = 8_192;

    public async Task Consume(ConsumeContext<WorkerStartsFailed> context)
    {
        var report = context.Message;
        if (!guard.Admits(report))
        {
            return;
        }

        if (report.LastError.Length > MaxErrorLength)
        {
            report = report with { LastError = "…" + report.LastError[^MaxErrorLength..] };
        }

        if (!await endpoints.RecordStartFailuresAsync(report, context.CancellationToken))
        {
            // About an older worker version, or older than what is recorded: nothing to do.
            return;
        }

        if (!report.Tripped || report.ConsecutiveFailures <= 0)
        {
            return;
        }

        var failures = new StartFailures(report.ConsecutiveFailures, report.LastError, true, report.SentAt);
        var failed = await transitions.FailQueuedOfAsync(report.EndpointId, failures.Failing(report.EndpointId), context.CancellationToken);
        log.LogWarning("Endpoint {EndpointId} is failing ({Failures}): {Failed} queued jobs failed", report.EndpointId,
            failures.Describe().Split('\n')[0], failed);
    }
}
