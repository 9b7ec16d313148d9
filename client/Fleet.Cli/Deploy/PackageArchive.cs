using System.IO.Compression;
using System.Security.Cryptography;

namespace Fleet.Cli.Deploy;

/// <summary>
/// Zips a publish folder the same way every time: entries sorted by path, one fixed timestamp, the
/// file modes reduced to 0644 or 0755. The same published files make the same bytes and so the
/// same sha256, which is the package's name: deploying unchanged code uploads and changes nothing.
/// </summary>
public static class PackageArchive
{
    /// <summary>The timestamp of every entry (ZIP's DOS time has no zone and starts in 1980).</summary>
    public static readonly DateTimeOffset EntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int RegularFile = 0x8000;

    public static PackageFile Create(string directory, string zipPath)
    {
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Name: Path.GetRelativePath(directory, f).Replace('\\', '/')))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        using (var output = File.Create(zipPath))
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create))
        {
            foreach (var (full, name) in files)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = EntryTime;
                entry.ExternalAttributes = (RegularFile | Mode(full)) << 16;
                using var source = File.OpenRead(full);
                using var target = entry.Open();
                source.CopyTo(target);
            }
        }

        using var package = File.OpenRead(zipPath);
        return new PackageFile(zipPath, Convert.ToHexStringLower(SHA256.HashData(package)), package.Length, files.Count);
    }

    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private static int Mode(string file) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & AnyExecute) == 0 ? 0b110_100_100 : 0b111_101_101;
}
