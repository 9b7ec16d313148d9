using Fleet.ServiceDefaults;

namespace Fleet.Autoscaler.Kubernetes;

/// <summary>
/// <c>Fleet.Autoscaler k8s [--out DIR]</c>: writes the manifests for the configured endpoints
/// (<c>FLEET_ENDPOINTS_FILE</c>) into DIR (default <c>infra/k8s</c>), replacing its YAML files.
/// </summary>
public static class KubernetesCommand
{
    public static int Run(string[] args)
    {
        var output = args is ["--out", var dir, ..] ? dir : Path.Combine("infra", "k8s");
        var builder = Host.CreateApplicationBuilder();
        builder.AddFleetDefaults();
        using var host = builder.Build();
        var endpoints = host.Services.GetRequiredService<EndpointCatalog>().All;

        Directory.CreateDirectory(output);
        foreach (var stale in Directory.EnumerateFiles(output, "*.yaml"))
        {
            File.Delete(stale);
        }

        foreach (var file in KubernetesManifests.Generate(endpoints))
        {
            File.WriteAllText(Path.Combine(output, file.Name), file.Content);
        }

        Console.WriteLine($"wrote manifests for {endpoints.Count} endpoints to {output}");
        return 0;
    }
}
