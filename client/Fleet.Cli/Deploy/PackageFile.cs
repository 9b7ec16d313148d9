namespace Fleet.Cli.Deploy;

/// <summary>A package: the zip of a publish folder, named by its content (<paramref name="Sha256"/>, lowercase hex).</summary>
public sealed record PackageFile(string Path, string Sha256, long Size, int Files);
