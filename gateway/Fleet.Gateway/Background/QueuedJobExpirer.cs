using Fleet.Gateway.Jobs;
using Npgsql;

namespace Fleet.Gateway.Background;

/// <summary>Every second, ends as TIMED_OUT the queued jobs that outwaited their <c>policy.ttl</c>.</summary>
public sealed class QueuedJobExpirer(JobTransitions jobs, TimeProvider time, ILogger<QueuedJobExpirer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var expired = await jobs.ExpireQueuedAsync(stoppingToken);
                if (expired > 0)
                {
                    log.LogInformation("{Count} queued jobs outwaited their ttl and ended TIMED_OUT", expired);
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning("Expiring queued jobs failed: {Error}", e.Message);
            }
        }
    }
}
