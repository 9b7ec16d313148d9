namespace Fleet.Contracts.Messages;

/// <summary>
/// Event, broadcast to every worker: each job's attempts before <see cref="SupersededAttempt.Current"/>
/// are stale (their worker was lost and the job was queued again). A worker drops such an attempt's
/// message if it still arrives (RabbitMQ delivering it again) and stops it if it runs it.
/// </summary>
public sealed record AttemptsSuperseded(IReadOnlyList<SupersededAttempt> Jobs);

/// <summary>A job and its current attempt.</summary>
public sealed record SupersededAttempt(Guid JobId, int Current);
