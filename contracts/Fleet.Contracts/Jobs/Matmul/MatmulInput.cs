using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Fleet.Contracts.Jobs.Matmul;

/// <summary>
/// Input of the <c>matmul</c> handler: C = A·B for A (m×k) and B (k×n), float32.
/// Each matrix comes as JSON rows (<c>a</c>) or as base64 float32 with its shape
/// (<c>a_b64</c> and <c>a_shape</c>), not both.
/// </summary>
[HandlerInput("matmul", Hardware = Hardware.Gpu)]
public sealed record MatmulInput
{
    /// <summary>A, m rows of k values.</summary>
    [JsonPropertyName("a")]
    [MinLength(1)]
    public float[][]? A { get; init; }

    /// <summary>B, k rows of n values.</summary>
    [JsonPropertyName("b")]
    [MinLength(1)]
    public float[][]? B { get; init; }

    /// <summary>A as little-endian float32, row-major; needs <see cref="AShape"/>.</summary>
    [JsonPropertyName("a_b64")]
    [Base64String]
    public string? ABase64 { get; init; }

    /// <summary>[rows, columns] of <see cref="ABase64"/>.</summary>
    [JsonPropertyName("a_shape")]
    [Length(2, 2)]
    public int[]? AShape { get; init; }

    /// <summary>B as little-endian float32, row-major; needs <see cref="BShape"/>.</summary>
    [JsonPropertyName("b_b64")]
    [Base64String]
    public string? BBase64 { get; init; }

    /// <summary>[rows, columns] of <see cref="BBase64"/>.</summary>
    [JsonPropertyName("b_shape")]
    [Length(2, 2)]
    public int[]? BShape { get; init; }
}
