using System.Globalization;
using Fleet.Gpu;

namespace Fleet.Bench.Gpu;

/// <summary>Command-line options of <c>fleet-bench-gpu</c>.</summary>
public sealed record GpuBenchOptions
{
    public const string HelpText = """
        fleet-bench-gpu: GPU worker compute figures on the device in use.

          --device auto|cpu|cuda   device, as Gpu:Device (default auto: CUDA where present)
          --sizes 256,1024,2048    matmul sizes n (n×n·n×n, float32)
          --seconds S              time spent timing each figure (default 2)
          --cpu-budget S           on ILGPU's CPU accelerator, skip a size whose first run is
                                   estimated to take longer than S seconds (default 30)
          --no-torch               ILGPU only (for a build without libtorch: -p:TorchBackend=none)
          --help
        """;

    public GpuDeviceMode Device { get; init; } = GpuDeviceMode.Auto;

    public IReadOnlyList<int> Sizes { get; init; } = [256, 1024, 2048];

    public double Seconds { get; init; } = 2;

    public double CpuBudgetSeconds { get; init; } = 30;

    public bool Torch { get; init; } = true;

    public bool Help { get; init; }

    public static GpuBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new GpuBenchOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--device" => options with { Device = Enum.TryParse<GpuDeviceMode>(Value(), ignoreCase: true, out var d) ? d : throw new ArgumentException("--device is auto, cpu or cuda") },
                "--sizes" => options with { Sizes = [.. Value().Split(',').Select(s => PositiveInt(s, "--sizes"))] },
                "--seconds" => options with { Seconds = PositiveDouble(Value(), "--seconds") },
                "--cpu-budget" => options with { CpuBudgetSeconds = PositiveDouble(Value(), "--cpu-budget") },
                "--no-torch" => options with { Torch = false },
                "--help" or "-h" => options with { Help = true },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }

    private static int PositiveInt(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new ArgumentException($"{option}: '{text}' is not a positive integer");

    private static double PositiveDouble(string text, string option) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new ArgumentException($"{option}: '{text}' is not a positive number");
}
