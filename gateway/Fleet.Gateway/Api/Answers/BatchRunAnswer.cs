using System.Text.Json.Serialization;

namespace Fleet.Gateway.Api;

/// <summary>The answer of <c>batch/run</c>: one item per submitted item, in the same order.</summary>
public sealed record BatchRunAnswer([property: JsonPropertyName("items")] IReadOnlyList<BatchRunItemAnswer> Items);
