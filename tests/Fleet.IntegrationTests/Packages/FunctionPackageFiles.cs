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

    public static string Sha256(byte[] package) => Convert.ToHexStringLower(SHA256.HashData(package));

    public async Task InitializeAsync()
    {
        await _feed.InitializeAsync();
        var zip = Path.Combine(_directory.FullName, "summarize.zip");
        var (code, output) = await _feed.RunAsync(RepoPaths.Root, "dotnet",
            RepoPaths.Program("client/Fleet.Cli", "fleet"), "deploy", SummarizeProject, "--dry-run", "-o", zip);
        Assert.True(code == 0, output);
        Summarize = await File.ReadAllBytesAsync(zip);
        SummarizeChanged = Changed(Summarize);

        var project = Directory.CreateDirectory(Path.Combine(_directory.FullName, "broken")).FullName;
        await File.WriteAllTextAsync(Path.Combine(project, "Broken.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), $$"""
            System.Console.WriteLine("broken function starting");
            throw new System.InvalidOperationException("{{BrokenMessage}}");
            """);
        var published = Path.Combine(project, "out");
        (code, output) = await _feed.RunAsync(project, "dotnet", "publish", "-c", "Release", "-o", published, "-nologo");
        Assert.True(code == 0, output);
        var brokenZip = Path.Combine(_directory.FullName, "broken.zip");
        ZipFile.CreateFromDirectory(published, brokenZip);
        Broken = await File.ReadAllBytesAsync(brokenZip);
    }

    /// <summary>Runs the <c>fleet</c> CLI against this build's packed feed, from the repository's root.</summary>
    public Task<(int Code, string Output)> FleetAsync(params string[] arguments) =>
        _feed.RunAsync(RepoPaths.Root, "dotnet", [RepoPaths.Program("client/Fleet.Cli", "fleet"), .. arguments]);

    public async Task DisposeAsync()
    {
        await _feed.DisposeAsync();
        _directory.Delete(recursive: true);
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
