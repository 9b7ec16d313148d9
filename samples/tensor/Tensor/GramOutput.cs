namespace Tensor;

/// <summary>
/// Where the product ran (<c>cuda</c> or <c>cpu</c>), the trace of G = A·Aᵀ and A's squared
/// Frobenius norm (equal, which checks the product), and how long the product took on the device.
/// </summary>
public sealed record GramOutput(string Device, int Size, double Trace, double FrobeniusSquared, double Milliseconds);
