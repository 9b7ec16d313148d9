namespace Fleet.Client;

/// <summary>The job ended <c>TIMED_OUT</c>: it ran past its execution timeout, or waited in the queue past its ttl.</summary>
public sealed class FleetJobTimedOutException : FleetJobException
{
    internal FleetJobTimedOutException(string endpointId, FleetJobStatus status)
        : base(endpointId, status, "timed out")
    {
    }
}
