using System.Text.Json.Serialization;

namespace Fleet.Contracts.Jobs.Mlp;

/// <summary>Output of <c>mlp</c>: one row of the model's output layer per input row, in order.</summary>
public sealed record MlpOutput(
    [property: JsonPropertyName("outputs")] float[][] Outputs);
