using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// JSON text kept as the UTF-8 bytes it was stored as, and written back byte for byte. A job's output
/// goes from PostgreSQL to the client without being parsed, cloned or turned into UTF-16 on the way,
/// which for a 9 MB output saved several copies per status read.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public sealed class RawJson(ReadOnlyMemory<byte> utf8)
{
    public ReadOnlyMemory<byte> Utf8 { get; } = utf8;

    /// <summary>The value as an element, for code that inspects it (tests, mostly).</summary>
    public JsonElement ToElement()
    {
        var reader = new Utf8JsonReader(Utf8.Span);
        return JsonElement.ParseValue(ref reader);
    }

    public override string ToString() => System.Text.Encoding.UTF8.GetString(Utf8.Span);

    private sealed class RawJsonConverter : JsonConverter<RawJson>
    {
        public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(JsonMarshal.GetRawUtf8Value(JsonElement.ParseValue(ref reader)).ToArray());

        // The bytes came from a json column or a parsed report: valid JSON already, so not checked again.
        public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Utf8.Span, skipInputValidation: true);
    }
}
