using Fleet.Contracts.Messages;

namespace Fleet.Gateway.Outbox;

/// <summary>A committed outbox row's message in memory, so the relay's fast path never reads it back.</summary>
public sealed record OutboxEnvelope(Guid Id, string? Destination, object Message, Type MessageType)
{
    /// <summary>The envelope of a <c>RunJob</c>, whose row refers to its job (see <c>OutboxStore</c>).</summary>
    public static OutboxEnvelope ForRunJob(RunJob message, string queue, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), queue, message, typeof(RunJob));

    /// <summary>An envelope for a message written with its body (<c>OutboxStore.Insert</c>); a null destination publishes it.</summary>
    public static OutboxEnvelope For<T>(T message, string? destination, DateTimeOffset now)
        where T : class => new(Guid.CreateVersion7(now), destination, message, typeof(T));
}
