using Fleet.Contracts.Functions;

namespace Fleet.Cli.Deploy;

/// <summary>A function project published to <paramref name="Directory"/>, with the manifest its entry point printed.</summary>
public sealed record PublishedProject(string Directory, ProjectManifest Manifest);
