namespace Fleet.Bench;

/// <summary>Runs the phases in order under one deadline and turns the outcome into an exit code.</summary>
public static class BenchRunner
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(options.TimeoutSeconds));

        // Ctrl+C ends the run like the deadline does, so partial figures are still printed.
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            deadline.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var client = new FleetClient(options);
            await client.CheckAsync(deadline.Token);
            Console.WriteLine($"fleet-bench  {client.BaseAddress}v2/{options.Endpoint}  input {options.Input}  deadline {options.TimeoutSeconds} s");

            var pollers = options.EffectivePollers;
            if (options.Warmup > 0 && options.Jobs > 0)
            {
                Report.Warmup(await new BurstPhase(client, options.Warmup, options.Concurrency, pollers).RunAsync(deadline.Token));
            }

            var burst = options.Jobs > 0
                ? await new BurstPhase(client, options.Jobs, options.Concurrency, pollers).RunAsync(deadline.Token)
                : null;
            var sync = options.RunSync > 0
                ? await new RunSyncPhase(client, options.RunSync).RunAsync(deadline.Token)
                : null;

            var summary = Report.Write(options, burst, sync);
            return summary.Errors + summary.RunsyncErrors > 0 || deadline.IsCancellationRequested ? 1 : 0;
        }
        catch (FatalBenchException ex)
        {
            Console.Error.WriteLine($"fleet-bench: {ex.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Console.Error.WriteLine("fleet-bench: deadline passed before the gateway answered the first check");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
