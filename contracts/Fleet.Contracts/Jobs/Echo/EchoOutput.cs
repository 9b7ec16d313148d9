using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Contracts.Jobs.Echo;

/// <summary>Output of <c>echo</c>: the echoed value, and for a streaming job the chunks it streamed.</summary>
public sealed record EchoOutput(
    [property: JsonPropertyName("echo"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Echo,
    [property: JsonPropertyName("stream"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<JsonElement>? Stream);
