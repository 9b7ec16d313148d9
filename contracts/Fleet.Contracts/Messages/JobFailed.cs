namespace Fleet.Contracts.Messages;

/// <summary>Event: an attempt of a job ended with an error raised by its handler (or its timeout).</summary>
public sealed record JobFailed(
    Guid JobId,
    int Attempt,
    string WorkerId,
    string Device,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Error,
    string ErrorType,
    bool TimedOut);
