namespace Fleet.Gateway.Jobs;

/// <summary>The wire names of <see cref="JobStatus"/>; one mapping for the API, the database and SQL.</summary>
public static class JobStatusNames
{
    public const string InQueue = "IN_QUEUE";
    public const string InProgress = "IN_PROGRESS";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
    public const string Cancelled = "CANCELLED";
    public const string TimedOut = "TIMED_OUT";

    public static string ToWire(JobStatus status) => status switch
    {
        JobStatus.InQueue => InQueue,
        JobStatus.InProgress => InProgress,
        JobStatus.Completed => Completed,
        JobStatus.Failed => Failed,
        JobStatus.Cancelled => Cancelled,
        JobStatus.TimedOut => TimedOut,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static JobStatus Parse(string status) => status switch
    {
        InQueue => JobStatus.InQueue,
        InProgress => JobStatus.InProgress,
        Completed => JobStatus.Completed,
        Failed => JobStatus.Failed,
        Cancelled => JobStatus.Cancelled,
        TimedOut => JobStatus.TimedOut,
        _ => throw new FormatException($"unknown job status '{status}'"),
    };

    public static bool IsFinal(JobStatus status) => status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled or JobStatus.TimedOut;
}
