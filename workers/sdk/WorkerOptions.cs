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

    /// <summary>A file touched on every heartbeat, for container health checks.</summary>
    public string? HealthFile { get; set; }
}
