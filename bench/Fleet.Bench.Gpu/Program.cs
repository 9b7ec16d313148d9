using Fleet.Bench.Gpu;

GpuBenchOptions options;
try
{
    options = GpuBenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"fleet-bench-gpu: {ex.Message}");
    Console.Error.WriteLine();
    Console.Error.WriteLine(GpuBenchOptions.HelpText);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(GpuBenchOptions.HelpText);
    return 0;
}

return GpuBenchRunner.Run(options, Console.Out);
