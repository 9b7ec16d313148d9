using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Fleet.Contracts.Jobs.Mlp;

/// <summary>
/// Input of the <c>mlp</c> handler: a batch of rows, each as wide as the model's input layer.
/// Give the rows as JSON (<c>inputs</c>) or as one base64 string (<c>inputs_b64</c>), not both.
/// </summary>
[HandlerInput("mlp", Hardware = Hardware.Gpu)]
public sealed record MlpInput
{
    /// <summary>Batch × input width, one inner array per row.</summary>
    [JsonPropertyName("inputs")]
    [MinLength(1)]
    public float[][]? Inputs { get; init; }

    /// <summary>
    /// The same rows as little-endian float32, row after row; the batch size is the number of values
    /// divided by the model's input width.
    /// </summary>
    [JsonPropertyName("inputs_b64")]
    [Base64String]
    public string? InputsBase64 { get; init; }
}
