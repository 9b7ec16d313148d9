using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Fleet.Gateway.Persistence;

public static class PersistenceExtensions
{
    /// <summary>Key of the data source whose commits return before the WAL flush.</summary>
    public const string DeferredFlush = "deferred-flush";

    /// <summary>One pooled <see cref="NpgsqlDataSource"/> shared by EF Core and the hand-written hot paths.</summary>
    public static IHostApplicationBuilder AddFleetPersistence(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Fleet")
            ?? throw new InvalidOperationException("ConnectionStrings:Fleet is not configured.");
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        builder.Services.AddSingleton(dataSource);
        // Commits that need not wait for the WAL flush because nobody is answered until a later,
        // synchronous commit has flushed the WAL past them (see JobService.AcceptAsync).
        var deferredFlush = new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(connectionString) { Options = "-c synchronous_commit=off" }.ConnectionString).Build();
        builder.Services.AddKeyedSingleton(DeferredFlush, deferredFlush);
        builder.Services.AddPooledDbContextFactory<FleetDbContext>(o => o.UseNpgsql(dataSource));
        return builder;
    }

    /// <summary>
    /// The gateway owns the schema and brings it up to date at start (EF Core takes a database lock
    /// while migrating, so several gateways starting together are safe). Waits for the database.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this IHost app)
    {
        var log = app.Services.GetRequiredService<ILogger<FleetDbContext>>();
        var contexts = app.Services.GetRequiredService<IDbContextFactory<FleetDbContext>>();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync();
                await db.Database.MigrateAsync();
                return;
            }
            catch (NpgsqlException e) when (attempt < 30)
            {
                log.LogWarning("Database not reachable yet ({Error}); retrying", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }
}
