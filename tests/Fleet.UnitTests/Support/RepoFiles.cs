using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Fleet.UnitTests.Support;

/// <summary>Files of the checkout the tests compare code with.</summary>
public static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>The endpoints of <c>infra/endpoints.json</c>, read as every process reads them.</summary>
    public static IReadOnlyList<EndpointDefinition> InfraEndpoints()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(Root, "infra", "endpoints.json")).Build();
        var options = configuration.GetSection(FleetNames.EndpointsSection).Get<FleetOptions>()!;
        return new EndpointCatalog(Options.Create(options)).All;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fleet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Fleet.sln not found");
    }
}
