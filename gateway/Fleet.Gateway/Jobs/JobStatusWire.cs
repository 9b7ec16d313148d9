using Fleet.Contracts;
namespace Fleet.Gateway.Jobs;

/// <summary>
/// <see cref="JobStatus"/> and its wire names (<see cref="JobStatusNames"/>): one mapping for the API, the database and SQL.
/// </summary>
public static class JobStatusWire
{
    public static string ToWire(JobStatus status) => status switch
    {
        JobStatus.InQueue => JobStatusNames.InQueue,
        JobStatus.InProgress => JobStatusNames.InProgress,
        JobStatus.Completed => JobStatusNames.Completed,
        JobStatus.Failed => JobStatusNames.Failed,
        JobStatus.Cancelled => JobStatusNames.Cancelled,
        JobStatus.TimedOut => JobStatusNames.TimedOut,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static JobStatus Parse(string status) => status switch
    {
        JobStatusNames.InQueue => JobStatus.InQueue,
        JobStatusNames.InProgress => JobStatus.InProgress,
        JobStatusNames.Completed => JobStatus.Completed,
        JobStatusNames.Failed => JobStatus.Failed,
        JobStatusNames.Cancelled => JobStatus.Cancelled,
        JobStatusNames.TimedOut => JobStatus.TimedOut,
        _ => throw new FormatException($"unknown job status '{status}'"),
    };

    public static bool IsFinal(JobStatus status)
        => status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled or JobStatus.TimedOut;

    public static bool IsFinal(string status) => IsFinal(Parse(status));
}
