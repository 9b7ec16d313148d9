using Fleet.Gateway.Storage;
using Npgsql;

namespace Fleet.Gateway.Workers;

/// <summary>Reads the live workers from the <c>workers</c> table into <see cref="LiveWorkers"/>: every second, and when asked.</summary>
public sealed class LiveWorkersRefresher(WorkerStore store, LiveWorkers workers, ILogger<LiveWorkersRefresher> log) : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                workers.Update(await store.LiveAsync(stoppingToken));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                log.LogWarning("Reading the live workers failed: {Error}", e.Message);
            }

            await workers.WaitForRefreshRequestAsync(s_interval, stoppingToken);
        }
    }
}
