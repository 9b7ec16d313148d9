namespace Fleet.Gateway.Jobs;

/// <summary>A job's state (API.md); written on the wire and in the database as upper-case names.</summary>
public enum JobStatus
{
    InQueue,
    InProgress,
    Completed,
    Failed,
    Cancelled,
    TimedOut,
}
