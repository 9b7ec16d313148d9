using Fleet.Gateway.Jobs;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.Gateway.Background;

/// <summary>
/// Queues again the running jobs whose lease ran out (<see cref="JobTransitions.ReapLostAsync"/>).
/// Leases are renewed by heartbeats that pass through RabbitMQ and PostgreSQL, so a lease can also
/// run out because this gateway could not hear or record them. The reaper therefore acts only
/// after the bus and the database have both worked for a whole lease: after its own start, a
/// broker outage or a database outage, it first lets the waiting heartbeats renew what still runs.
/// </summary>
public sealed class LeaseReaper(
    JobTransitions jobs, NpgsqlDataSource database, IBusControl bus, IOptions<LeaseOptions> options, TimeProvider time,
        ILogger<LeaseReaper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lease = TimeSpan.FromSeconds(options.Value.Seconds);
        DateTimeOffset? healthySince = null;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.ReaperIntervalMs), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (bus.CheckHealth().Status != BusHealthStatus.Healthy)
            {
                healthySince = null;
                continue;
            }

            healthySince ??= time.GetUtcNow();
            try
            {
                if (time.GetUtcNow() - healthySince < lease)
                {
                    // Meanwhile the database must keep answering too.
                    await using var ping = database.CreateCommand("SELECT 1");
                    await ping.ExecuteScalarAsync(stoppingToken);
                    continue;
                }

                var (requeued, failed) = await jobs.ReapLostAsync(options.Value.MaxLosses, stoppingToken);
                if (requeued + failed > 0)
                {
                    log.LogWarning(
                        "Leases ran out: {Requeued} jobs queued again as new attempts, {Failed} failed after losing too many workers",
                        requeued, failed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                healthySince = null;
                log.LogWarning("Looking for expired leases failed: {Error}", e.Message);
            }
        }
    }
}
