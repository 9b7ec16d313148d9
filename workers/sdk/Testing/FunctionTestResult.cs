using System.Text.Json;

namespace Fleet.Worker.Sdk.Testing;

/// <summary>
/// A completed run in the test host: the output as a client reads it back, the JSON the worker
/// wrote, and the progress reports and streamed chunks, in order.
/// </summary>
public sealed record FunctionTestResult<TOutput>(
    TOutput Output,
    JsonElement OutputJson,
    IReadOnlyList<FunctionProgress> Progress,
    IReadOnlyList<JsonElement> Chunks)
{
    /// <summary>
    /// The streamed chunks read back as <typeparamref name="TChunk"/>, as <c>FleetJob.StreamAsync&lt;TChunk&gt;</c> reads them.
    /// </summary>
    public IReadOnlyList<TChunk> ChunksAs<TChunk>() => [.. Chunks.Select(c => c.Deserialize<TChunk>(FunctionTestHost.ClientJson)!)];
}
