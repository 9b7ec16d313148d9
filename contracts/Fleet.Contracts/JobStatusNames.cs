namespace Fleet.Contracts;

/// <summary>
/// A job's states as they are written on the wire (API.md) and in the <c>jobs</c> table, which the
/// gateway writes and the autoscaler reads.
/// </summary>
public static class JobStatusNames
{
    public const string InQueue = "IN_QUEUE";
    public const string InProgress = "IN_PROGRESS";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
    public const string Cancelled = "CANCELLED";
    public const string TimedOut = "TIMED_OUT";
}
