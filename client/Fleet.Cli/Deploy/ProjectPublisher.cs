using System.Text.Json;
using Fleet.Contracts;
using Fleet.Contracts.Functions;

namespace Fleet.Cli.Deploy;

/// <summary>
/// Publishes a function project (<c>dotnet publish -c Release</c>) and reads its manifest by running
/// its entry point with <c>--manifest</c>, which prints it and exits without connecting to anything.
/// </summary>
public static class ProjectPublisher
{
    private static readonly TimeSpan s_publishLimit = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan s_manifestLimit = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static async Task<PublishedProject> PublishAsync(string project, string outputDirectory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(project) && !File.Exists(project))
        {
            throw new DeployException($"No such project or folder: {project}");
        }

        // No apphost: a worker runs `dotnet Entry.dll`, and the package stays the same on every platform.
        // TorchSharp's library marked for Debian 12 whatever this host is (Fleet.Gpu's targets), so the
        // package runs on any worker host; a project without Fleet.Gpu ignores the property.
        var (code, output, error) = await ChildProcess.RunAsync(ChildProcess.Dotnet,
            ["publish", Path.GetFullPath(project), "-c", "Release", "-o", outputDirectory, "-nologo", "-v:q", "-p:UseAppHost=false",
                "-p:FleetLibTorchSharpPatch=always"],
            workingDirectory: null, s_publishLimit, cancellationToken);
        if (code != 0)
        {
            throw new DeployException($"dotnet publish {project} failed (exit {code}):\n{Tail(output + error)}");
        }

        var entryPoint = EntryPoint(outputDirectory, project);
        return new PublishedProject(outputDirectory, await ReadManifestAsync(outputDirectory, entryPoint, cancellationToken));
    }

    /// <summary>The published program: the one assembly with a runtimeconfig.json beside it.</summary>
    private static string EntryPoint(string directory, string project)
    {
        var programs = Directory.GetFiles(directory, "*.runtimeconfig.json");
        if (programs.Length != 1)
        {
            throw new DeployException(
                $"{project} published {programs.Length} programs (*.runtimeconfig.json); a function project is one console program.");
        }

        return Path.GetFileName(programs[0])[..^".runtimeconfig.json".Length] + ".dll";
    }

    private static async Task<ProjectManifest> ReadManifestAsync(string directory, string entryPoint, CancellationToken cancellationToken)
    {
        var (code, output, error) = await ChildProcess.RunAsync(ChildProcess.Dotnet, [entryPoint, FleetNames.ManifestArgument],
            directory, s_manifestLimit, cancellationToken);
        if (code != 0)
        {
            throw new DeployException($"{entryPoint} {FleetNames.ManifestArgument} failed (exit {code}): {Tail(error + output)}");
        }

        ProjectManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ProjectManifest>(output, s_json);
        }
        catch (JsonException e)
        {
            throw new DeployException(
                $"{entryPoint} {FleetNames.ManifestArgument} printed no manifest ({e.Message}): "
                + "is its Program.cs `return await FleetFunctions.RunAsync(args);`?", e);
        }

        if (manifest is null || manifest.Functions.Count == 0)
        {
            throw new DeployException($"{entryPoint} declares no function: mark a handler class with [FleetFunction(\"name\")].");
        }

        return manifest.EntryPoint == entryPoint
            ? manifest
            : throw new DeployException(
                $"{entryPoint} printed the manifest of {manifest.EntryPoint}; publish the function project itself.");
    }

    private static string Tail(string text, int lines = 40) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
}
