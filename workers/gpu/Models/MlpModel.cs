using TorchSharp;
using static TorchSharp.torch;

namespace Fleet.Worker.Gpu.Models;

/// <summary>
/// An <see cref="MlpNetwork"/> with its weights loaded, on the worker's TorchSharp device, ready for
/// inference. Loaded once per process; each inference runs without autograd and frees every
/// tensor it made, so memory does not grow with the number of jobs.
/// </summary>
public sealed class MlpModel : IDisposable
{
    private readonly MlpNetwork _network;

    private MlpModel(MlpNetwork network, MlpShape shape, Device device, string weightsPath)
    {
        _network = network;
        Shape = shape;
        Device = device;
        WeightsPath = weightsPath;
    }

    public MlpShape Shape { get; }

    public Device Device { get; }

    public string WeightsPath { get; }

    public int InputDim => Shape.InputDim;

    public int OutputDim => Shape.OutputDim;

    /// <summary>Reads weights saved by <c>module.save</c> (TorchSharp's format) into a network of <paramref name="shape"/>.</summary>
    public static MlpModel Load(string weightsPath, MlpShape shape, Device device)
    {
        if (!File.Exists(weightsPath))
        {
            throw new FileNotFoundException($"MLP weights file {weightsPath} does not exist.", weightsPath);
        }

        var network = new MlpNetwork(shape);
        try
        {
            network.load(weightsPath, strict: true);
        }
        catch (Exception e)
        {
            network.Dispose();
            throw new InvalidDataException($"{weightsPath} does not hold the weights of an MLP {shape}: {e.Message}", e);
        }

        network.to(device);
        network.eval();
        return new MlpModel(network, shape, device, weightsPath);
    }

    /// <summary>
    /// Creates a model of <paramref name="shape"/> from <paramref name="seed"/> and saves it to
    /// <paramref name="weightsPath"/>. Written beside it and renamed into place, so a process loading
    /// the file never reads half of it.
    /// </summary>
    public static void SaveSeeded(string weightsPath, MlpShape shape, long seed)
    {
        using var network = new MlpNetwork(shape);
        network.InitializeSeeded(seed);
        var directory = Path.GetDirectoryName(Path.GetFullPath(weightsPath))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(weightsPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            network.save(temp);
            File.Move(temp, weightsPath, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Runs <paramref name="batch"/> row-major rows of <see cref="InputDim"/> values; returns batch × <see cref="OutputDim"/> values.
    /// </summary>
    public float[] Infer(ReadOnlySpan<float> rows, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        if (rows.Length != (long)batch * InputDim)
        {
            throw new ArgumentException($"{batch} rows of {InputDim} values are {batch * InputDim} values, not {rows.Length}.", nameof(
                rows));
        }

        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var input = tensor(rows.ToArray(), [batch, InputDim], ScalarType.Float32).to(Device);
        var output = _network.forward(input).cpu();
        return output.data<float>().ToArray();
    }

    public void Dispose() => _network.Dispose();
}
