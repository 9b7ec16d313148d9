namespace Fleet.Contracts.Messages;

/// <summary>Event: a running attempt reported progress (a message and/or a percentage); its deadline was extended.</summary>
public sealed record JobProgressed(Guid JobId, int Attempt, string? Message, double? Percent, DateTimeOffset At, string ReportToken);
