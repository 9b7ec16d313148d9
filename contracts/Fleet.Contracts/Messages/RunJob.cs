using System.Text.Json;

namespace Fleet.Contracts.Messages;

/// <summary>Command: run one attempt of a job. Sent by the gateway's outbox relay to the job's queue.</summary>
public sealed record RunJob(
    Guid JobId,
    string EndpointId,
    string Handler,
    JsonElement Input,
    int Attempt,
    int ExecutionTimeoutMs,
    DateTimeOffset AcceptedAt);
