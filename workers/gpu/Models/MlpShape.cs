namespace Fleet.Worker.Gpu.Models;

/// <summary>The layer widths of an <see cref="MlpNetwork"/>: input, hidden layers of one width, output.</summary>
public sealed record MlpShape(int InputDim, int HiddenDim, int HiddenLayers, int OutputDim)
{
    public static MlpShape From(GpuOptions options) =>
        new(options.MlpInputDim, options.MlpHiddenDim, options.MlpHiddenLayers, options.MlpOutputDim);

    /// <summary>e.g. <c>64x256x256x16</c>.</summary>
    public override string ToString() =>
        string.Join('x', [InputDim, .. Enumerable.Repeat(HiddenDim, HiddenLayers), OutputDim]);
}
