using System.Text.Json;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Persistence;

namespace Fleet.Gateway.Outbox;

/// <summary>An outbox row's message in memory, so the relay's fast path never re-reads it.</summary>
public sealed record OutboxEnvelope(Guid Id, string? Destination, object Message, Type MessageType)
{
    /// <summary>The envelope of a <c>RunJob</c> whose row refers to its job (see <see cref="OutboxMessage.JobId"/>).</summary>
    public static OutboxEnvelope ForRunJob(RunJob message, string queue, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), queue, message, typeof(RunJob));

    /// <summary>The row to write in the caller's transaction, and its envelope for the relay.</summary>
    public static (OutboxMessage Row, OutboxEnvelope Envelope) Create<T>(T message, string? destination, DateTimeOffset now)
        where T : class
    {
        var id = Guid.CreateVersion7(now);
        var row = new OutboxMessage
        {
            Id = id,
            Destination = destination,
            MessageType = typeof(T).FullName!,
            Body = JsonSerializer.Serialize(message, OutboxSerialization.Options),
            CreatedAt = now,
        };
        return (row, new OutboxEnvelope(id, destination, message, typeof(T)));
    }
}
