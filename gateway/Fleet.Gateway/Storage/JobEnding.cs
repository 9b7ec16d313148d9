namespace Fleet.Gateway.Storage;

/// <summary>
/// An attempt's ending as the recorder writes it: its status, output (UTF-8 JSON) or error, timings, worker, and the
/// endpoint version that worker ran (0: a worker whose endpoint came from a file, unversioned).
/// </summary>
public sealed record JobEnding(
    Guid JobId,
    int Attempt,
    string Status,
    byte[]? Output,
    string? Error,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string WorkerId,
    string Device,
    int? StreamedChunks,
    int EndpointVersion = 0);
