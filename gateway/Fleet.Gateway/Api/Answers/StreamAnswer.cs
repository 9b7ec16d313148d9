using Fleet.Gateway.Jobs;
using System.Text.Json.Serialization;

namespace Fleet.Gateway.Api;

/// <summary>RunPod's <c>/stream</c> answer: <c>{"status", "stream": [{"output": chunk}, ...]}</c>.</summary>
public sealed record StreamAnswer(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("stream")] IReadOnlyList<StreamAnswer.Item> Stream)
{
    public sealed record Item([property: JsonPropertyName("output")] RawJson Output);
}
