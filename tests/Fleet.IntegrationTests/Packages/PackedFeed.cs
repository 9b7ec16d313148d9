using System.Diagnostics;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Packages;

/// <summary>
/// Fleet's packages, packed from this build (<c>dotnet pack Fleet.sln --no-build</c>, as
/// <c>./fleet pack --no-build</c> does) into a feed of the run's own, under a version of the run's
/// own: a version no earlier run left in the NuGet cache, so what the samples restore is this build.
/// The samples' nuget.config adds artifacts/feed; the run's feed is added beside it
/// (<c>RestoreAdditionalProjectSources</c>), and both go to every child process by environment.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    private readonly DirectoryInfo _feed = Directory.CreateTempSubdirectory("fleet-feed-");

    public string Version { get; } = $"0.0.0-it.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    /// <summary>What a child process (dotnet test, fleet deploy, dotnet publish under it) needs to restore from this feed.</summary>
    public IReadOnlyDictionary<string, string> ChildEnvironment => new Dictionary<string, string>
    {
        ["FleetVersion"] = Version,
        ["RestoreAdditionalProjectSources"] = _feed.FullName,
        ["DOTNET_NOLOGO"] = "1",
    };

    public IReadOnlyList<string> Packages => [.. _feed.GetFiles("*.nupkg").Select(f => f.Name).Order()];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "artifacts", "feed"));
        var (code, output) = await RunAsync(RepoPaths.Root, "dotnet", "pack", "Fleet.sln", "-c", RepoPaths.Configuration, "--no-build",
            "-nologo", "-v:q", $"-p:FleetVersion={Version}", $"-p:PackageOutputPath={_feed.FullName}/");
        Assert.True(code == 0, "dotnet pack failed:\n" + output);
    }

    public Task DisposeAsync()
    {
        _feed.Delete(recursive: true);
        // Only this run's version of Fleet's own packages: nothing else in the cache is touched.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var package in Directory.Exists(cache) ? Directory.GetDirectories(cache, "fleet.*") : [])
        {
            var version = Path.Combine(package, Version.ToLowerInvariant());
            if (Directory.Exists(version))
            {
                Directory.Delete(version, recursive: true);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs a program with this feed's environment; its exit code and its output and errors together.</summary>
    public async Task<(int Code, string Output)> RunAsync(string workingDirectory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (key, value) in ChildEnvironment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not end within 5 minutes:\n{await output}{await error}");
        }

        return (process.ExitCode, await output + await error);
    }
}
