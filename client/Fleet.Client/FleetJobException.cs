namespace Fleet.Client;

/// <summary>A job ended without an output: it failed, timed out or was cancelled. Carries its status document.</summary>
public abstract class FleetJobException : Exception
{
    /// <summary>Made by the client for a job's final status.</summary>
    private protected FleetJobException(string endpointId, FleetJobStatus status, string what)
        : base($"Job {status.Id} of endpoint '{endpointId}' {what} after {status.Attempts} attempt(s): "
            + (status.Error ?? "no error message"))
    {
        EndpointId = endpointId;
        Status = status;
    }

    /// <summary>The job's id.</summary>
    public string JobId => Status.Id;

    /// <summary>The endpoint that ran it.</summary>
    public string EndpointId { get; }

    /// <summary>Its final state.</summary>
    public FleetJobState State => Status.Status;

    /// <summary>The job's error message, as the fleet recorded it.</summary>
    public string? Error => Status.Error;

    /// <summary>Attempts the fleet made.</summary>
    public int Attempts => Status.Attempts;

    /// <summary>The whole final status document.</summary>
    public FleetJobStatus Status { get; }

    /// <summary>The exception for a job that ended without an output.</summary>
    internal static FleetJobException For(string endpointId, FleetJobStatus status) => status.Status switch
    {
        FleetJobState.Failed => new FleetJobFailedException(endpointId, status),
        FleetJobState.TimedOut => new FleetJobTimedOutException(endpointId, status),
        FleetJobState.Cancelled => new FleetJobCancelledException(endpointId, status),
        _ => throw new ArgumentException($"Job {status.Id} is {status.Status}, not an ending without output.", nameof(status)),
    };
}
