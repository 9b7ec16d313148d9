using Fleet.Catalog;
using Fleet.Gateway.Background;
using Fleet.ServiceDefaults;

namespace Fleet.Gateway.Endpoints;

public static class EndpointExtensions
{
    /// <summary>
    /// The endpoint catalog in PostgreSQL: the management of it, the watch that keeps this gateway's copy
    /// current (LISTEN/NOTIFY, with a poll as backstop), and the sweeper of deleted endpoints' jobs.
    /// </summary>
    public static IHostApplicationBuilder AddEndpointCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EndpointManagement>();
        builder.Services.AddHostedSingleton<CatalogWatch>();
        builder.Services.AddHostedService<DeletedEndpointSweeper>();
        return builder;
    }

    /// <summary>At start, after the migrations and before serving: the endpoints file seeds the table, then the catalog is read.</summary>
    public static async Task SeedEndpointCatalogAsync(this IHost app)
    {
        var catalog = app.Services.GetRequiredService<EndpointCatalog>();
        await app.Services.GetRequiredService<EndpointManagement>().SeedAsync(catalog.Configured, CancellationToken.None);
    }
}
