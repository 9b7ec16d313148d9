using System.Collections.Frozen;
using System.Text.Json;
using Fleet.Contracts.Messages;

namespace Fleet.Gateway.Outbox;

/// <summary>How outbox bodies are written and which contract types the relay may read back.</summary>
public static class OutboxSerialization
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    private static readonly FrozenDictionary<string, Type> s_types = typeof(RunJob).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(RunJob).Namespace)
        .ToFrozenDictionary(t => t.FullName!, t => t, StringComparer.Ordinal);

    /// <summary>The body an outbox row keeps of a message that is not a <c>RunJob</c>.</summary>
    public static string Serialize(OutboxEnvelope envelope) => JsonSerializer.Serialize(envelope.Message, envelope.MessageType, Options);

    public static Type TypeOf(string messageType) =>
        s_types.TryGetValue(messageType, out var type) ? type : throw new InvalidOperationException(
            $"outbox holds unknown message type '{messageType}'");
}
