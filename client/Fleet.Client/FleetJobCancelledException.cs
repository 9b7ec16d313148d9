namespace Fleet.Client;

/// <summary>
/// The job ended <c>CANCELLED</c> by someone else (a cancel request, a queue purge). A wait that the
/// caller's own token cancels throws <see cref="OperationCanceledException"/> instead.
/// </summary>
public sealed class FleetJobCancelledException : FleetJobException
{
    internal FleetJobCancelledException(string endpointId, FleetJobStatus status)
        : base(endpointId, status, "was cancelled")
    {
    }
}
