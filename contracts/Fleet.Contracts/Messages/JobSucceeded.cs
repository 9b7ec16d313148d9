using System.Text.Json;

namespace Fleet.Contracts.Messages;

/// <summary>
/// Event: an attempt of a job ended with an output. Carries its own timings so it can land before <see cref="JobStarted"/>.
/// </summary>
public sealed record JobSucceeded(
    Guid JobId,
    int Attempt,
    string WorkerId,
    string Device,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    JsonElement Output,
    int StreamedChunks,
    string ReportToken,
    int EndpointVersion = 0);
