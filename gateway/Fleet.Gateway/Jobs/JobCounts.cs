namespace Fleet.Gateway.Jobs;

/// <summary>An endpoint's job counts, as <c>/health</c> reports them.</summary>
public sealed record JobCounts(long Completed, long Failed, long InProgress, long InQueue, long Retried);
