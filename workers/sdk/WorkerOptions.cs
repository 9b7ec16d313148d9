namespace Fleet.Worker.Sdk;

/// <summary>Section <c>Worker</c>.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>Unique per process; defaults to hardware, host name and process id.</summary>
    public string? Id { get; set; }

    /// <summary>Endpoints to serve; empty means every endpoint whose handler this worker has.</summary>
    public List<string> Endpoints { get; set; } = [];

    public double HeartbeatSeconds { get; set; } = 2;

    /// <summary>
    /// How long a job runs before the worker reports it started. Shorter jobs report only their
    /// ending, which carries the start time, so no-op jobs cost one message fewer.
    /// </summary>
    public TimeSpan StartedReportDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>A file touched on every heartbeat, for container health checks.</summary>
    public string? HealthFile { get; set; }
}
