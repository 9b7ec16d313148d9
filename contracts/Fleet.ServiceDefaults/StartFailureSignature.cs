using Fleet.Contracts.Messages;

namespace Fleet.ServiceDefaults;

/// <summary>The signature of a <see cref="WorkerStartsFailed"/>: the autoscaler signs with the workers' key, gateways verify.</summary>
public static class StartFailureSignature
{
    public static WorkerStartsFailed Signed(WorkerStartsFailed report, string key) =>
        report with { Signature = Canonical(report).Sign(key) };

    public static bool IsValid(WorkerStartsFailed report, string key) => Canonical(report).Verifies(report.Signature, key);

    private static SignedText Canonical(WorkerStartsFailed report) => new SignedText()
        .Field(report.EndpointId)
        .Field(report.WorkerVersion)
        .Field(report.ConsecutiveFailures)
        .Field(report.LastError)
        .Field(report.Tripped ? 1 : 0)
        .Field(report.SentAt.UtcTicks);
}
