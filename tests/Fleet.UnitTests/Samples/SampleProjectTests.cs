using System.Text.RegularExpressions;
using Fleet.UnitTests.Support;

namespace Fleet.UnitTests.Samples;

/// <summary>The samples are user projects: Fleet's packages at Fleet's version, nothing from its source tree.</summary>
public sealed partial class SampleProjectTests
{
    private static readonly string s_samples = Path.Combine(RepoFiles.Root, "samples");

    [Fact]
    public void Samples_build_against_the_version_fleet_packs()
    {
        var fleet = FleetVersion().Match(File.ReadAllText(Path.Combine(RepoFiles.Root, "Directory.Build.props")));
        var samples = FleetVersion().Match(File.ReadAllText(Path.Combine(s_samples, "Directory.Build.props")));

        Assert.True(fleet.Success && samples.Success, "FleetVersion is set in both Directory.Build.props files");
        Assert.Equal(fleet.Groups[1].Value, samples.Groups[1].Value);
    }

    [Fact]
    public void No_sample_refers_to_a_project_outside_samples()
    {
        var projects = Directory.GetFiles(s_samples, "*.csproj", SearchOption.AllDirectories);
        Assert.NotEmpty(projects);

        foreach (var project in projects)
        {
            foreach (Match reference in ProjectReference().Matches(File.ReadAllText(project)))
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Groups[1].Value));
                Assert.True(target.StartsWith(s_samples + Path.DirectorySeparatorChar, StringComparison.Ordinal),
                    $"{Path.GetRelativePath(RepoFiles.Root, project)} refers to {Path.GetRelativePath(RepoFiles.Root, target)}");
            }
        }
    }

    [Fact]
    public void Every_fleet_package_a_sample_uses_comes_at_the_fleet_version()
    {
        foreach (var project in Directory.GetFiles(s_samples, "*.csproj", SearchOption.AllDirectories))
        {
            foreach (Match package in FleetPackage().Matches(File.ReadAllText(project)))
            {
                Assert.Equal("$(FleetVersion)", package.Groups[2].Value);
            }
        }
    }

    [GeneratedRegex(@"<FleetVersion[^>]*>([^<]+)</FleetVersion>")]
    private static partial Regex FleetVersion();

    [GeneratedRegex(@"<ProjectReference Include=""([^""]+)""")]
    private static partial Regex ProjectReference();

    [GeneratedRegex(@"<PackageReference Include=""(Fleet\.[^""]+)"" Version=""([^""]+)""")]
    private static partial Regex FleetPackage();
}
