namespace Fleet.Gateway.Persistence;

/// <summary>
/// A message written in the same transaction as the state change that caused it, so that the
/// message exists if and only if the change committed. The relay sends it and deletes the row.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }

    /// <summary>The queue to send to, or null to publish (fan out to every subscriber).</summary>
    public string? Destination { get; set; }

    /// <summary>The contract type's full name, e.g. <c>Fleet.Contracts.Messages.RunJob</c>.</summary>
    public required string MessageType { get; set; }

    /// <summary>The message as JSON; null for a <c>RunJob</c>, which is built from its job when sent.</summary>
    public string? Body { get; set; }

    /// <summary>
    /// For a <c>RunJob</c>: the job and the attempt it runs. The row holds no copy of the job's input
    /// (which may be megabytes): the relay reads it from the job, and drops the row if that attempt
    /// is no longer the job's queued one (cancelled, purged, or already sent and started).
    /// </summary>
    public Guid? JobId { get; set; }

    public int? Attempt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Not to be sent before this time (a retry's backoff); null to send at once.</summary>
    public DateTimeOffset? NotBefore { get; set; }
}
