namespace Fleet.Autoscaler.Actuators;

/// <summary>An owned worker's process, as the actuator knows it.</summary>
public enum OwnedWorkerState
{
    /// <summary>Its endpoint's package is being fetched; its process starts once the package is here.</summary>
    Fetching,
    Running,
    Draining,
    Restarting,
}
