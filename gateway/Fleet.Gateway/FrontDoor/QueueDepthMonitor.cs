using Fleet.Gateway.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.Gateway.FrontDoor;

/// <summary>
/// Every <see cref="FrontDoorOptions.AdmissionRefreshMs"/> (200 ms), counts each endpoint's queued
/// jobs for admission control: one small index-only query.
/// </summary>
public sealed class QueueDepthMonitor(
    JobQueries queries, QueueDepths depths, IOptions<FrontDoorOptions> options, TimeProvider time, ILogger<QueueDepthMonitor> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.AdmissionRefreshMs), time);
        do
        {
            try
            {
                var acceptedBefore = depths.BeginCount();
                depths.Refresh(await queries.CountQueuedByEndpointAsync(stoppingToken), acceptedBefore);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                log.LogWarning("Counting queued jobs failed: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
