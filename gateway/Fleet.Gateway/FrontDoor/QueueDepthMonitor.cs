using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.Gateway.FrontDoor;

/// <summary>
/// Every <see cref="FrontDoorOptions.AdmissionRefreshMs"/> (200 ms), counts each endpoint's queued
/// jobs for admission control: one small index-only query.
/// </summary>
public sealed class QueueDepthMonitor(
    NpgsqlDataSource database, QueueDepths depths, IOptions<FrontDoorOptions> options, TimeProvider time, ILogger<QueueDepthMonitor> log)
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
                // Served by the partial index on queued jobs.
                await using var command = database.CreateCommand(
                    "SELECT endpoint_id, count(*) FROM jobs WHERE status = 'IN_QUEUE' GROUP BY endpoint_id");
                await using var reader = await command.ExecuteReaderAsync(stoppingToken);
                var queued = new Dictionary<string, long>(StringComparer.Ordinal);
                while (await reader.ReadAsync(stoppingToken))
                {
                    queued[reader.GetString(0)] = reader.GetInt64(1);
                }

                depths.Refresh(queued, acceptedBefore);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                log.LogWarning("Counting queued jobs failed: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
