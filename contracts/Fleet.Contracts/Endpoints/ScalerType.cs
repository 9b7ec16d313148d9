namespace Fleet.Contracts.Endpoints;

/// <summary>RunPod's scaler types, spelt as RunPod (and API.md) spell them.</summary>
public static class ScalerType
{
    /// <summary>Add a worker when a job has waited more than <c>scalerValue</c> seconds.</summary>
    public const string QueueDelay = "QUEUE_DELAY";

    /// <summary>Target <c>ceil((queued + inProgress) / scalerValue)</c> workers.</summary>
    public const string RequestCount = "REQUEST_COUNT";
}
