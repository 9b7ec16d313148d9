using System.Text.Json;

namespace Fleet.Contracts.Messages;

/// <summary>
/// Command: run one attempt of a job. Sent by the gateway's outbox relay to the job's queue.
/// <see cref="ReportToken"/> proves that a report comes from a worker that was sent this attempt:
/// every report of the attempt carries it back, and the gateway ignores a report without it. The
/// relay sets it as it sends (<c>base64url(HMAC-SHA256(gateway key, job id, attempt))</c>), so no
/// stored row ever holds it.
/// <see cref="EndpointVersion"/> is the endpoint's worker version when the job was accepted: a worker of
/// an older version hands the job back and drains (a rollout is under way), so jobs accepted after a
/// change run on the new version.
/// </summary>
public sealed record RunJob(
    Guid JobId,
    string EndpointId,
    string Handler,
    JsonElement Input,
    int Attempt,
    int ExecutionTimeoutMs,
    DateTimeOffset AcceptedAt,
    string? ReportToken = null,
    int EndpointVersion = 0);
