using System.Text.Json;

namespace Fleet.Client.Http;

/// <summary>One submission, its input already serialized: what <c>/run</c> and an item of <c>batch/run</c> carry.</summary>
internal sealed record JobRequest(ReadOnlyMemory<byte> Input, FleetRunOptions? Options, string IdempotencyKey)
{
    public static JobRequest Create<TInput>(TInput input, FleetRunOptions? options, string idempotencyKey, JsonSerializerOptions json) =>
        new(JsonSerializer.SerializeToUtf8Bytes(input, json), options, idempotencyKey);

    /// <summary>Writes <c>{"input", "webhook", "policy"}</c>, and the <c>idempotencyKey</c> of a batch item.</summary>
    public void Write(Utf8JsonWriter writer, bool withIdempotencyKey)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("input");
        writer.WriteRawValue(Input.Span, skipInputValidation: true);
        if (Options?.Webhook is { } webhook)
        {
            writer.WriteString("webhook", webhook.AbsoluteUri);
        }

        if (Options is { } o && (o.ExecutionTimeout is not null || o.Ttl is not null
            || o.LowPriority || o.PreferGpu is not null || o.MinGpuMemoryMb is not null))
        {
            writer.WriteStartObject("policy");
            WriteMilliseconds(writer, "executionTimeout", o.ExecutionTimeout);
            WriteMilliseconds(writer, "ttl", o.Ttl);
            if (o.LowPriority)
            {
                writer.WriteBoolean("lowPriority", true);
            }

            if (o.PreferGpu is { } preferGpu)
            {
                writer.WriteBoolean("preferGpu", preferGpu);
            }

            if (o.MinGpuMemoryMb is { } memory)
            {
                writer.WriteNumber("minGpuMemoryMb", memory);
            }

            writer.WriteEndObject();
        }

        if (withIdempotencyKey)
        {
            writer.WriteString("idempotencyKey", IdempotencyKey);
        }

        writer.WriteEndObject();
    }

    private static void WriteMilliseconds(Utf8JsonWriter writer, string name, TimeSpan? value)
    {
        if (value is { } span)
        {
            writer.WriteNumber(name, (long)span.TotalMilliseconds);
        }
    }
}
