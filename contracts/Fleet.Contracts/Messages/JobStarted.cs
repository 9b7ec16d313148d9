namespace Fleet.Contracts.Messages;

/// <summary>Event: a worker began an attempt of a job.</summary>
public sealed record JobStarted(
    Guid JobId,
    int Attempt,
    string WorkerId,
    string Device,
    DateTimeOffset StartedAt,
    string ReportToken,
    int EndpointVersion = 0);
