using System.ComponentModel.DataAnnotations;
using Fleet.Contracts;

namespace Fleet.Worker.Sdk;

/// <summary>Section <c>Worker</c>.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>Unique per process; defaults to hardware, host name and process id.</summary>
    public string? Id { get; set; }

    /// <summary>
    /// The key this worker signs its heartbeats with, shared by the fleet's workers and gateways
    /// (<see cref="FleetSettings.WorkerKey"/>); a gateway ignores a heartbeat without it.
    /// </summary>
    [Required]
    [MinLength(FleetSettings.MinKeyLength)]
    public string Key { get; set; } = "";

    /// <summary>
    /// The hardware of the queues this worker serves; unset: its device's. <c>Cpu</c> on a worker with
    /// a GPU device library (Fleet.Gpu) makes it a CPU worker: it computes on the CPU and serves CPU
    /// endpoints and the CPU-fallback queues of GPU endpoints. The autoscaler sets it per pool.
    /// </summary>
    public Hardware? Hardware { get; set; }

    /// <summary>Endpoints to serve; empty means every endpoint whose handler this worker has.</summary>
    public List<string> Endpoints { get; set; } = [];

    public double HeartbeatSeconds { get; set; } = 2;

    /// <summary>
    /// How long a job runs before the worker reports it started. Shorter jobs report only their
    /// ending, which carries the start time, so no-op jobs cost one message fewer.
    /// </summary>
    public TimeSpan StartedReportDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long a cancelled or timed-out handler may take to stop. One that ignores its token longer
    /// is abandoned, and the worker drains and exits to stop it (<see cref="WorkerLifecycle"/>).
    /// </summary>
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a job's message stays unacknowledged while the job runs. Well under RabbitMQ's
    /// consumer timeout (30 min by default), which closes the channel of a delivery left
    /// unacknowledged that long; past it, the job's lease alone holds it.
    /// </summary>
    public TimeSpan DetachAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a delivered job waits for a free slot (all held by detached jobs) before it goes back
    /// to its queue. Also well under the consumer timeout.
    /// </summary>
    public TimeSpan SlotWaitLimit { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A file touched on every heartbeat, for container health checks.</summary>
    public string? HealthFile { get; set; }
}
