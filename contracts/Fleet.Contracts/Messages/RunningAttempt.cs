namespace Fleet.Contracts.Messages;

/// <summary>An attempt a worker runs, as its heartbeat lists it: the token renews the attempt's lease.</summary>
public sealed record RunningAttempt(Guid JobId, int Attempt, string ReportToken);
