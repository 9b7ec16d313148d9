namespace Fleet.Contracts.Messages;

/// <summary>
/// Event: an attempt of a job ended with an error raised by its handler (or its timeout).
/// <see cref="Permanent"/> marks an error that another attempt cannot fix (bad input).
/// <see cref="ReportToken"/>: the attempt's <see cref="RunJob.ReportToken"/>, as in every job report.
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
    bool Permanent,
    string ReportToken,
    int EndpointVersion = 0);
