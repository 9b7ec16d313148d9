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

    public required string Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Not to be sent before this time (a retry's backoff); null to send at once.</summary>
    public DateTimeOffset? NotBefore { get; set; }
}
