using System.Text.Json.Serialization;

namespace Fleet.Contracts.Jobs.Matmul;

/// <summary>Output of <c>matmul</c>: C = A·B, m rows of n values.</summary>
public sealed record MatmulOutput(
    [property: JsonPropertyName("c")] float[][] C);
