using System.Text.Json.Serialization;

namespace Fleet.Contracts.Jobs.Vector;

/// <summary>Output of <c>vector</c>: <c>result</c> for <c>dot</c> and <c>sum</c>, <c>y</c> for <c>saxpy</c>.</summary>
public sealed record VectorOutput(
    [property: JsonPropertyName("result"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? Result,
    [property: JsonPropertyName("y"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float[]? Y);
