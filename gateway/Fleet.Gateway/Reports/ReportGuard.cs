using System.Diagnostics.Metrics;
using Fleet.Contracts.Messages;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Reports;

/// <summary>
/// Admits only reports that a worker of the attempt sent: a job report must carry its attempt's
/// report token; a heartbeat must carry the workers' signature and a recent <c>SentAt</c>, and each
/// lease it renews its attempt's token. Checked in memory before the recorder's batch. A refused
/// report is logged and counted (<c>fleet.gateway.reports_refused</c>), and its message is
/// acknowledged: delivering it again would not make it genuine.
/// </summary>
public sealed class ReportGuard(ReportTokens tokens, IOptions<ReportOptions> options, TimeProvider time, ILogger<ReportGuard> log)
{
    private static readonly Meter s_meter = new("Fleet.Gateway");
    private static readonly Counter<long> s_refused = s_meter.CreateCounter<long>(
        "fleet.gateway.reports_refused",
        description: "Worker reports ignored: wrong report token or heartbeat signature, or a stale heartbeat");

    /// <summary>True when <paramref name="token"/> is the attempt's; else logs the refusal.</summary>
    public bool Admits(string report, Guid jobId, int attempt, string? token, string? workerId)
    {
        if (tokens.IsValid(jobId, attempt, token))
        {
            return true;
        }

        Count(report);
        log.LogWarning("Refused {Report} for job {JobId} attempt {Attempt} from worker {WorkerId}: its report token is not the attempt's",
            report, jobId, attempt, Printable(workerId));
        return false;
    }

    /// <returns>The heartbeat, less any lease it may not renew; null when it is refused.</returns>
    public WorkerHeartbeat? Admit(WorkerHeartbeat beat)
    {
        if (Unsigned(HeartbeatSignature.IsValid(beat, options.Value.WorkerKey), beat.SentAt) is { } why)
        {
            Count(nameof(WorkerHeartbeat));
            log.LogWarning("Refused heartbeat of worker {WorkerId}: {Why}", Printable(beat.WorkerId), why);
            return null;
        }

        List<RunningAttempt>? forged = null;
        foreach (var job in beat.RunningJobs)
        {
            if (!tokens.IsValid(job.JobId, job.Attempt, job.ReportToken))
            {
                (forged ??= []).Add(job);
                Count("lease renewal");
                log.LogWarning(
                    "Refused lease renewal of job {JobId} attempt {Attempt} by worker {WorkerId}: its report token is not the attempt's",
                    job.JobId, job.Attempt, Printable(beat.WorkerId));
            }
        }

        return forged is null ? beat : beat with { RunningJobs = [.. beat.RunningJobs.Except(forged)] };
    }

    /// <summary>True when the report of start failures carries the workers' signature and a recent <c>SentAt</c>.</summary>
    public bool Admits(WorkerStartsFailed report)
    {
        if (Unsigned(StartFailureSignature.IsValid(report, options.Value.WorkerKey), report.SentAt) is not { } why)
        {
            return true;
        }

        Count(nameof(WorkerStartsFailed));
        log.LogWarning("Refused a report of start failures of endpoint {EndpointId}: {Why}", Printable(report.EndpointId), why);
        return false;
    }

    /// <summary>
    /// Why a message signed with the workers' key is refused: a wrong signature, or sent too far from this gateway's clock
    /// (replayed, waited in the queue, or from a host whose clock is off); null when it is admitted.
    /// </summary>
    private string? Unsigned(bool validSignature, DateTimeOffset sentAt)
    {
        var offset = time.GetUtcNow() - sentAt;
        return !validSignature ? "its signature is not the workers' key's"
            : offset.Duration() > options.Value.HeartbeatSkew
                ? $"sent at {sentAt:O}, {offset.TotalSeconds:0.#} s from this gateway's clock " +
                  $"(at most {options.Value.HeartbeatSkew.TotalSeconds} s)"
            : null;
    }

    private static void Count(string report) => s_refused.Add(1, new KeyValuePair<string, object?>("report", report));

    /// <summary>A claimed worker id as it may be logged: a forger chooses it, so no line breaks and no length.</summary>
    private static string Printable(string? workerId) =>
        workerId is null ? "(not named)" : new string([.. workerId.Take(100).Select(c => char.IsControl(c) ? '?' : c)]);
}
