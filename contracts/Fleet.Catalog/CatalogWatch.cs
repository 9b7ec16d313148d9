using Fleet.ServiceDefaults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fleet.Catalog;

/// <summary>
/// Keeps this process's <see cref="EndpointCatalog"/> equal to the <c>endpoints</c> table. The gateway
/// notifies <see cref="CatalogRows.Channel"/> in the transaction of every change, so a change is seen
/// within milliseconds of its commit (LISTEN/NOTIFY: no polling load, and the table is read only when it
/// changed). Notifications are lost while the listening connection is down, so the table is also read
/// every <see cref="s_poll"/> and after every reconnect: a change is never missed for longer than that.
/// </summary>
public sealed class CatalogWatch(NpgsqlDataSource database, EndpointCatalog catalog, ILogger<CatalogWatch> log) : BackgroundService
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_retry = TimeSpan.FromSeconds(1);

    /// <summary>Reads the table into the catalog now (at start, before the process serves).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        catalog.Replace(await CatalogRows.ReadAllAsync(database, cancellationToken));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {CatalogRows.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                await LoadAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                {
                    // Returns on a notification, or when the poll interval passes: either way, read the table.
                    await connection.WaitAsync(s_poll, stoppingToken);
                    await LoadAsync(stoppingToken);
                }
            }
            catch (Exception e) when ((e is NpgsqlException or TimeoutException) && !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("Watching the endpoint catalog failed ({Error}); retrying", e.Message);
                await Task.Delay(s_retry, stoppingToken);
            }
        }
    }
}
