namespace Fleet.Gateway.Storage;

/// <summary>A failed attempt that leaves attempts: the job is queued again as the next one after <see cref="DelayMs"/>.</summary>
public sealed record JobRetry(Guid JobId, int Attempt, string Error, int DelayMs);
