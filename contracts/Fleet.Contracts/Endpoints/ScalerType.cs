namespace Fleet.Contracts.Endpoints;

/// <summary>RunPod's scaler types: by queue delay (seconds) or by request count per worker.</summary>
public enum ScalerType
{
    QueueDelay,
    RequestCount,
}
