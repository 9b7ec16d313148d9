using Fleet.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"fleet-bench: {ex.Message}");
    Console.Error.WriteLine();
    Console.Error.WriteLine(BenchOptions.HelpText);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.HelpText);
    return 0;
}

return await BenchRunner.RunAsync(options);
