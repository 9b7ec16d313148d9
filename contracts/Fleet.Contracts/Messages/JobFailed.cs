namespace Fleet.Contracts.Messages;

/// <summary>
/// Event: an attempt of a job ended with an error raised by its handler (or its timeout).
/// <see cref="Permanent"/> marks an error that another attempt cannot fix (bad input).
/// </summary>
public sealed record JobFailed(
    Guid JobId,
    string EndpointId,
    int Attempt,
    string WorkerId,
    string Device,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Error,
    string ErrorType,
    bool TimedOut,
    bool Permanent);
