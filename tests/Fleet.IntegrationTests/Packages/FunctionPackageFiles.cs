using System.IO.Compression;
using System.Security.Cryptography;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Packages;

/// <summary>
/// Packages built once per test class: the summarize sample as <c>fleet deploy --dry-run -o</c> makes it (published
/// against this build's packed feed), a variant of it (one file more: a redeploy of changed code), and a program whose
/// entry throws at start (a tiny console project published here).
/// </summary>
public sealed class FunctionPackageFiles : IAsyncLifetime
{
    public const string BrokenMessage = "the broken function cannot load its model";

    public const string SummarizeProject = "samples/summarize/Summarize";

    private readonly PackedFeed _feed = new();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("fleet-packages-");

    public byte[] Summarize { get; private set; } = [];

    public byte[] SummarizeChanged { get; private set; } = [];

    public byte[] Broken { get; private set; } = [];

    /// <summary>
    /// A function that sleeps as asked and answers which release it is (<c>release.txt</c> in its package, read at start):
    /// release 1 and release 2 differ in that file only, as a redeploy of changed code would.
    /// </summary>
    public (byte[] Release1, byte[] Release2) Versioned { get; private set; } = ([], []);

    public static string Sha256(byte[] package) => Convert.ToHexStringLower(SHA256.HashData(package));

    public async Task InitializeAsync()
    {
        await _feed.InitializeAsync();
        var zip = Path.Combine(_directory.FullName, "summarize.zip");
        var (code, output) = await FleetAsync("deploy", SummarizeProject, "--dry-run", "-o", zip);
        Assert.True(code == 0, output);
        Summarize = await File.ReadAllBytesAsync(zip);
        SummarizeChanged = Changed(Summarize);

        var broken = await PublishAsync("Broken", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup>
            </Project>
            """, $$"""
            System.Console.WriteLine("broken function starting");
            throw new System.InvalidOperationException("{{BrokenMessage}}");
            """);
        Broken = Zip(broken, "broken.zip");
        Versioned = await PublishVersionedAsync();
    }

    /// <summary>Runs the <c>fleet</c> CLI against this build's packed feed, from the repository's root.</summary>
    public Task<(int Code, string Output)> FleetAsync(params string[] arguments) =>
        _feed.RunAsync(RepoPaths.Root, "dotnet", [RepoPaths.Program("client/Fleet.Cli", "fleet"), .. arguments]);

    public async Task DisposeAsync()
    {
        await _feed.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    /// <summary>A user's function project, outside Fleet's tree, built from the packed feed only, published once, zipped twice.</summary>
    private async Task<(byte[], byte[])> PublishVersionedAsync()
    {
        var published = await PublishAsync("Versioned", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings><NuGetAudit>false</NuGetAudit><NoWarn>$(NoWarn);NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup><PackageReference Include="Fleet.Worker.Sdk" Version="$(FleetVersion)" /></ItemGroup>
            </Project>
            """, """
            using Fleet.Worker.Sdk;

            return await FleetFunctions.RunAsync(args);

            [FleetFunction("versioned", WorkersMax = 2, ConcurrencyPerWorker = 2, ExecutionTimeoutMs = 120_000)]
            public sealed class VersionedFunction : IJobHandler<VersionedInput, VersionedOutput>
            {
                private static readonly string s_release =
                    File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "release.txt")).Trim();

                public async Task<VersionedOutput> HandleAsync(VersionedInput input, JobContext context, CancellationToken cancellationToken)
                {
                    await Task.Delay(input.SleepMs, cancellationToken);
                    return new VersionedOutput(s_release);
                }
            }

            public sealed record VersionedInput
            {
                public int SleepMs { get; init; }
            }

            public sealed record VersionedOutput(string Release);
            """);
        var releases = new List<byte[]>();
        foreach (var release in new[] { "release 1", "release 2" })
        {
            await File.WriteAllTextAsync(Path.Combine(published, "release.txt"), release);
            releases.Add(Zip(published, $"versioned-{releases.Count + 1}.zip"));
        }

        return (releases[0], releases[1]);
    }

    /// <summary>Writes a console project (outside Fleet's tree), publishes it against the packed feed; its output folder.</summary>
    private async Task<string> PublishAsync(string name, string project, string program)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_directory.FullName, name)).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, name + ".csproj"), project);
        await File.WriteAllTextAsync(Path.Combine(folder, "Program.cs"), program);
        var published = Path.Combine(folder, "out");
        var (code, output) = await _feed.RunAsync(folder, "dotnet", "publish", "-c", "Release", "-o", published, "-nologo");
        Assert.True(code == 0, output);
        return published;
    }

    /// <summary>The folder as a package: a zip of its files.</summary>
    private byte[] Zip(string folder, string name)
    {
        var zip = Path.Combine(_directory.FullName, name);
        ZipFile.CreateFromDirectory(folder, zip);
        return File.ReadAllBytes(zip);
    }

    /// <summary>The same package with one file more, so another sha256: what a redeploy of changed code uploads.</summary>
    private static byte[] Changed(byte[] package)
    {
        using var buffer = new MemoryStream();
        buffer.Write(package);
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        using (var writer = new StreamWriter(zip.CreateEntry("release-notes.txt").Open()))
        {
            writer.Write("second deploy");
        }

        return buffer.ToArray();
    }
}
