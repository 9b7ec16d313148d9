using Fleet.Gateway.Jobs;

namespace Fleet.Gateway.Storage;

/// <summary>
/// The columns of a job that its status document shows, as hand-written SQL reads them
/// (<see cref="JobRows"/>): never the input, which no status answer needs; the output as raw UTF-8.
/// </summary>
public sealed class JobStatusRow
{
    public Guid Id { get; set; }

    public required string EndpointId { get; set; }

    public JobStatus Status { get; set; }

    public byte[]? Output { get; set; }

    public string? Error { get; set; }

    public int Attempt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? WorkerId { get; set; }

    public string? Device { get; set; }

    public string? Queue { get; set; }

    public required string Routing { get; set; }

    public string? ProgressMessage { get; set; }

    public double? ProgressPercent { get; set; }

    /// <summary>The endpoint version of the worker that ran the current attempt; null before it started or when unversioned.</summary>
    public int? RanVersion { get; set; }
}
