using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fleet.IntegrationTests.Infrastructure;
using Fleet.UnitTests.Support;

namespace Fleet.IntegrationTests.Packages;

/// <summary>
/// A user's function project works from Fleet's packages alone: the summarize sample restores from
/// the packed feed, passes its tests, and <c>fleet deploy</c> publishes it, reads its manifest, and
/// sends one package and its endpoint as the gateway will receive them (a recording server here).
/// </summary>
public sealed partial class FunctionPackageTests(PackedFeed feed) : IClassFixture<PackedFeed>
{
    private const string Project = "samples/summarize/Summarize";

    [Fact]
    public void Every_packable_project_is_packed_at_one_version()
    {
        Assert.Equal(
            ["Fleet.Cli", "Fleet.Client", "Fleet.Contracts", "Fleet.Gpu", "Fleet.ServiceDefaults", "Fleet.Worker.Sdk"],
            feed.Packages.Select(p => p[..^$".{feed.Version}.nupkg".Length]));
    }

    [Fact]
    public async Task The_summarize_sample_builds_and_passes_its_tests_from_the_packages_alone()
    {
        var (code, output) = await feed.RunAsync(
            RepoPaths.Root, "dotnet", "test", "samples/summarize/Summarize.Tests", "-c", "Release", "-nologo");

        Assert.True(code == 0, output);
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+[1-9]", output);
        var assetsFile = Path.Combine(RepoPaths.Root, Project, "obj", "project.assets.json");
        using var assets = JsonDocument.Parse(await File.ReadAllTextAsync(assetsFile));
        var sdk = assets.RootElement.GetProperty("libraries").GetProperty($"Fleet.Worker.Sdk/{feed.Version}");
        Assert.Equal("package", sdk.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Deploy_dry_run_prints_the_package_and_what_each_function_would_get()
    {
        var (code, output) = await FleetAsync("deploy", Project, "--dry-run");

        Assert.True(code == 0, output);
        // The SDK's own version is the one it was built with (packing --no-build gives the package another).
        Assert.Matches(@"package sha256:[0-9a-f]{64} \d+ bytes, \d+ files, entry Summarize\.dll, Fleet SDK \d+\.\d+\.\d+", output);
        Assert.Contains(
            "summarize: would create or update (CPU, workers 0-2, idle 30 s, REQUEST_COUNT 8, timeout 60000 ms, "
            + "2 attempt(s), 4 per worker)", output, StringComparison.Ordinal);
        Assert.Contains("dry run: nothing uploaded", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_uploads_one_package_named_by_its_hash_and_puts_the_endpoint_with_its_manifest()
    {
        using var gateway = new RecordingGateway();
        var (dryCode, dryRun) = await FleetAsync("deploy", Project, "--dry-run");
        Assert.True(dryCode == 0, dryRun);

        var (code, output) = await FleetAsync(
            "deploy", Project, "--url", gateway.Address.AbsoluteUri, "--api-key", "deploy-test-admin-key");

        Assert.True(code == 0, output);
        var requests = gateway.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(requests[0].Body));
        // Published again, the same code makes the same package: deploying it twice changes nothing.
        Assert.Equal(PackageHash().Match(dryRun).Groups[1].Value, sha256);
        Assert.Equal(("PUT", $"/v1/packages/{sha256}", "application/zip", "Bearer deploy-test-admin-key"),
            (requests[0].Method, requests[0].Path, requests[0].ContentType, requests[0].Authorization));
        using (var zip = new ZipArchive(new MemoryStream(requests[0].Body)))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "Summarize.dll");
            Assert.Contains(zip.Entries, e => e.FullName == "Fleet.Worker.Sdk.dll");
        }

        Assert.Equal(("PUT", "/v1/endpoints/summarize"), (requests[1].Method, requests[1].Path));
        var endpoint = JsonDocument.Parse(requests[1].Body).RootElement;
        Assert.Equal((sha256, "CPU", 30), (endpoint.GetProperty("package").GetString(), endpoint.GetProperty("computeType").GetString(),
            endpoint.GetProperty("idleTimeout").GetInt32()));
        var manifest = endpoint.GetProperty("manifest");
        Assert.Equal("Summarize.SummarizeFunction", manifest.GetProperty("handlerType").GetString());
        var rows = manifest.GetProperty("inputSchema").GetProperty("properties").GetProperty("rows");
        Assert.Equal("array", rows.GetProperty("type").GetString());
        Assert.Contains($"package sha256:{sha256} stored", output, StringComparison.Ordinal);
        Assert.Contains("summarize: created (version 1)", output, StringComparison.Ordinal);
    }

    private Task<(int Code, string Output)> FleetAsync(params string[] arguments) =>
        feed.RunAsync(RepoPaths.Root, "dotnet", [RepoPaths.Program("client/Fleet.Cli", "fleet"), .. arguments]);

    [GeneratedRegex("package sha256:([0-9a-f]{64})")]
    private static partial Regex PackageHash();
}
