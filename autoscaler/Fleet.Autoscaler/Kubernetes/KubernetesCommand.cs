using Fleet.Catalog;
using Fleet.Contracts;
using Fleet.ServiceDefaults;
using Npgsql;

namespace Fleet.Autoscaler.Kubernetes;

/// <summary>
/// <c>Fleet.Autoscaler k8s [--out DIR]</c>: writes the manifests for the endpoint catalog into DIR (default
/// <c>infra/k8s</c>), replacing its YAML files. The catalog is the <c>endpoints</c> table when a connection string is
/// configured (<c>ConnectionStrings__Fleet</c>), else the endpoints file (<c>FLEET_ENDPOINTS_FILE</c>).
/// </summary>
public static class KubernetesCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var output = args is ["--out", var dir, ..] ? dir : Path.Combine("infra", "k8s");
        var builder = Host.CreateApplicationBuilder();
        builder.AddFleetDefaults();
        using var host = builder.Build();
        var connectionString = builder.Configuration[FleetSettings.ConnectionString];
        IReadOnlyList<Contracts.Endpoints.EndpointDefinition> endpoints;
        if (string.IsNullOrEmpty(connectionString))
        {
            endpoints = host.Services.GetRequiredService<EndpointCatalog>().All;
        }
        else
        {
            await using var database = NpgsqlDataSource.Create(connectionString);
            endpoints = await CatalogRows.ReadAllAsync(database, CancellationToken.None);
        }

        Directory.CreateDirectory(output);
        foreach (var stale in Directory.EnumerateFiles(output, "*.yaml"))
        {
            File.Delete(stale);
        }

        foreach (var file in KubernetesManifests.Generate(endpoints))
        {
            File.WriteAllText(Path.Combine(output, file.Name), file.Content);
        }

        Console.WriteLine($"wrote manifests for {endpoints.Count} endpoints ({(string.IsNullOrEmpty(connectionString)
            ? "endpoints file" : "endpoints table")}) to {output}");
        return 0;
    }
}
