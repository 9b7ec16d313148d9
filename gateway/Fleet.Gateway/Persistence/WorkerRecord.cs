namespace Fleet.Gateway.Persistence;

/// <summary>
/// The latest heartbeat of one worker process, written by the gateway. What the autoscaler and
/// <c>/health</c> read to know which workers live, what they serve, and which are idle.
/// </summary>
public sealed class WorkerRecord
{
    public required string Id { get; set; }

    public required string Hardware { get; set; }

    public required string Device { get; set; }

    /// <summary>The endpoints it serves.</summary>
    public required string[] Endpoints { get; set; }

    /// <summary>Jobs it runs at once, over every endpoint it serves.</summary>
    public int Capacity { get; set; }

    /// <summary>Jobs it ran when it last reported.</summary>
    public int Running { get; set; }

    /// <summary>Since when it has run nothing (database clock); null while it runs a job.</summary>
    public DateTimeOffset? IdleSince { get; set; }

    public long? GpuMemoryTotalMb { get; set; }

    public long? GpuMemoryFreeMb { get; set; }

    /// <summary>It takes no more work and exits once its jobs end.</summary>
    public bool Stopping { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    /// <summary>When its latest heartbeat was recorded (database clock).</summary>
    public DateTimeOffset LastSeenAt { get; set; }
}
