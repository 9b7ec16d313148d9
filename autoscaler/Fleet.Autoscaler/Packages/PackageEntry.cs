namespace Fleet.Autoscaler.Packages;

/// <summary>
/// The program of an extracted package: <c>dotnet publish</c> writes one <c>{name}.runtimeconfig.json</c> beside the
/// entry assembly <c>{name}.dll</c>, and none for a library, so exactly one at the package's root names the program.
/// </summary>
public static class PackageEntry
{
    private const string RuntimeConfig = ".runtimeconfig.json";

    /// <summary>The entry assembly's full path; a <see cref="PackageException"/> when there is not exactly one.</summary>
    public static string Find(string folder)
    {
        var configs = Directory.GetFiles(folder, "*" + RuntimeConfig, SearchOption.TopDirectoryOnly)
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (configs.Count != 1)
        {
            throw new PackageException(configs.Count == 0
                ? $"the package has no *{RuntimeConfig} at its root, so no program to run " +
                  "(publish a project with <OutputType>Exe</OutputType>)"
                : $"the package has {configs.Count} *{RuntimeConfig} files at its root ({string.Join(", ", configs)}); " +
                  "which program to run is ambiguous");
        }

        var entry = Path.Combine(folder, configs[0]![..^RuntimeConfig.Length] + ".dll");
        return File.Exists(entry)
            ? entry
            : throw new PackageException($"the package has {configs[0]} but no {Path.GetFileName(entry)} beside it");
    }
}
