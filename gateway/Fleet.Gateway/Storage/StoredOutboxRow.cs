namespace Fleet.Gateway.Storage;

/// <summary>
/// An outbox row as the relay's sweep reads it. A message with a body has <see cref="Body"/>; a
/// <c>RunJob</c> row has <see cref="JobId"/> and <see cref="Attempt"/>, and, if that attempt is still the
/// job's queued one (<see cref="Runnable"/>), what the message needs of the job.
/// </summary>
public sealed record StoredOutboxRow(
    Guid Id,
    string? Destination,
    string MessageType,
    string? Body,
    Guid? JobId,
    int? Attempt,
    string? EndpointId,
    byte[]? Input,
    int ExecutionTimeoutMs,
    int EndpointVersion,
    bool Runnable);
