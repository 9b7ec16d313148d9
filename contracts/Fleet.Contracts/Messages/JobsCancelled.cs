namespace Fleet.Contracts.Messages;

/// <summary>Event, broadcast to every worker: these jobs must not start (purged or cancelled while queued).</summary>
public sealed record JobsCancelled(IReadOnlyList<Guid> JobIds);
