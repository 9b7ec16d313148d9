namespace Fleet.Autoscaler.Actuators;

/// <summary>An owned worker's process, as the actuator knows it.</summary>
public enum OwnedWorkerState
{
    Running,
    Draining,
    Restarting,
}
