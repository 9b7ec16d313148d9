using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.ServiceDefaults;

/// <summary>
/// Gives memory back after a burst of large payloads. The GC collects only when something allocates,
/// so a process that grew to several GB for 32 bodies of 9 MB kept it all once the burst was over:
/// nothing allocated, nothing was collected, and the pages stayed committed. When the working set is
/// well above its resting size and the process has been quiet for two seconds, this runs one
/// aggressive, compacting collection, which also decommits the freed pages.
/// </summary>
public sealed class MemoryRelief(ILogger<MemoryRelief> log) : BackgroundService
{
    private const long Megabyte = 1024 * 1024;

    /// <summary>How far above its resting size the working set must be before a collection is worth its pause.</summary>
    private const long Headroom = 192 * Megabyte;

    /// <summary>Allocations per second below which the process counts as quiet.</summary>
    private const long QuietBytesPerSecond = 8 * Megabyte;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long? resting = null;
        var allocated = GC.GetTotalAllocatedBytes();
        var quietSeconds = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = GC.GetTotalAllocatedBytes();
            quietSeconds = now - allocated < QuietBytesPerSecond ? quietSeconds + 1 : 0;
            allocated = now;
            var workingSet = Environment.WorkingSet;
            // The resting size is learnt once the process has settled after its start.
            resting ??= quietSeconds >= 2 ? workingSet : null;
            if (resting is null || quietSeconds < 2 || workingSet < resting + Headroom)
            {
                continue;
            }

            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var after = Environment.WorkingSet;
            log.LogInformation("Returned {Returned} MB to the system after a burst (working set {Before} MB -> {After} MB)",
                (workingSet - after) / Megabyte, workingSet / Megabyte, after / Megabyte);
            resting = Math.Max(resting.Value, after);
            allocated = GC.GetTotalAllocatedBytes();
        }
    }
}
