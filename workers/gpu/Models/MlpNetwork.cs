using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Fleet.Worker.Gpu.Models;

/// <summary>
/// Linear→ReLU→…→Linear. Parameter names (<c>layers.fc0.weight</c>, …, <c>layers.out.bias</c>)
/// are what a weights file must hold.
/// </summary>
public sealed class MlpNetwork : Module<Tensor, Tensor>
{
    private readonly Sequential _layers;

    public MlpNetwork(MlpShape shape) : base("mlp")
    {
        var modules = new List<(string, Module<Tensor, Tensor>)>();
        int width = shape.InputDim;
        for (int i = 0; i < shape.HiddenLayers; i++)
        {
            modules.Add(($"fc{i}", Linear(width, shape.HiddenDim)));
            modules.Add(($"relu{i}", ReLU()));
            width = shape.HiddenDim;
        }

        modules.Add(("out", Linear(width, shape.OutputDim)));
        _layers = Sequential(modules);
        register_module("layers", _layers);
    }

    public override Tensor forward(Tensor input) => _layers.forward(input);

    /// <summary>
    /// Sets every parameter the way <c>nn.Linear</c> initialises it (uniform in ±1/√fan_in, which is
    /// what its kaiming_uniform with a = √5 amounts to), from a generator of its own: the same seed
    /// gives the same model whatever else the process draws from torch's global generator.
    /// </summary>
    public void InitializeSeeded(long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed), CPU);
        using var noGrad = no_grad();
        foreach (var layer in _layers.children().OfType<Linear>())
        {
            double bound = 1.0 / Math.Sqrt(layer.in_features);
            // Tensor.uniform_, not nn.init.uniform_: TorchSharp 0.107's init ignores its generator argument.
            layer.weight!.uniform_(-bound, bound, generator);
            layer.bias?.uniform_(-bound, bound, generator);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _layers.Dispose();
        }

        base.Dispose(disposing);
    }
}
