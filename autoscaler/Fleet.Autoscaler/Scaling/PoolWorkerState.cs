namespace Fleet.Autoscaler.Scaling;

/// <summary>Where an owned worker stands, as the policy sees it.</summary>
public enum PoolWorkerState
{
    /// <summary>Its process runs but no heartbeat since its start has been seen yet.</summary>
    Starting,

    /// <summary>Heartbeating: its running count and idle time are known.</summary>
    Ready,

    /// <summary>It exited without being asked; a new process starts after a backoff.</summary>
    Restarting,

    /// <summary>Asked to stop taking work and exit; no longer counted.</summary>
    Draining,
}
