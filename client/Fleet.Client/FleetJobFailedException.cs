namespace Fleet.Client;

/// <summary>The job ended <c>FAILED</c>: its handler threw on every attempt, or threw a permanent error.</summary>
public sealed class FleetJobFailedException : FleetJobException
{
    internal FleetJobFailedException(string endpointId, FleetJobStatus status)
        : base(endpointId, status, "failed")
    {
    }
}
