using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Tensor;

/// <summary>A random matrix to make: <c>{"size": 1024, "seed": 7}</c>.</summary>
public sealed record GramInput
{
    [Range(1, 4096)]
    [Description("Rows and columns of the square matrix A")]
    public int Size { get; init; } = 256;

    [Description("Seed of A's standard normal values")]
    public int Seed { get; init; }
}
