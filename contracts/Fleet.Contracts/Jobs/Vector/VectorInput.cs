using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Fleet.Contracts.Jobs.Vector;

/// <summary>
/// Input of the <c>vector</c> handler, float32:
/// <c>saxpy</c> returns y = a·x + y (needs a, x, y); <c>dot</c> returns x·y (needs x, y);
/// <c>sum</c> returns Σx (needs x). Each vector comes as JSON (<c>x</c>) or base64 (<c>x_b64</c>), not both.
/// </summary>
[HandlerInput("vector", Hardware = Hardware.Gpu)]
public sealed record VectorInput
{
    [JsonPropertyName("op")]
    [Required]
    [AllowedValues(VectorOps.Saxpy, VectorOps.Dot, VectorOps.Sum)]
    public string? Op { get; init; }

    /// <summary>The scalar of <c>saxpy</c>.</summary>
    [JsonPropertyName("a")]
    public float? A { get; init; }

    [JsonPropertyName("x")]
    [MinLength(1)]
    public float[]? X { get; init; }

    [JsonPropertyName("y")]
    [MinLength(1)]
    public float[]? Y { get; init; }

    /// <summary><c>x</c> as little-endian float32.</summary>
    [JsonPropertyName("x_b64")]
    [Base64String]
    public string? XBase64 { get; init; }

    /// <summary><c>y</c> as little-endian float32.</summary>
    [JsonPropertyName("y_b64")]
    [Base64String]
    public string? YBase64 { get; init; }
}
