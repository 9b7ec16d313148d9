using System.IO.Compression;
using Fleet.Cli.Deploy;

namespace Fleet.UnitTests.Cli;

/// <summary>A package is named by its content: the same published files make the same zip, byte for byte.</summary>
public sealed class PackageArchiveTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("fleet-package-");

    public void Dispose() => _work.Delete(recursive: true);

    private string Folder(string name, params (string Path, string Text, DateTime Time, UnixFileMode Mode)[] files)
    {
        var folder = Path.Combine(_work.FullName, name);
        foreach (var (path, text, time, mode) in files)
        {
            var full = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
            File.SetLastWriteTimeUtc(full, time);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(full, mode);
            }
        }

        return folder;
    }

    private PackageFile Pack(string folder) =>
        PackageArchive.Create(folder, Path.Combine(_work.FullName, Path.GetFileName(folder) + ".zip"));

    private const UnixFileMode Plain = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void The_same_files_make_the_same_package_whatever_their_times_order_and_umask()
    {
        var then = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var later = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        const string Native = "runtimes/linux-x64/native/lib.so";

        var first = Pack(Folder("first", ("App.dll", "app", then, Plain), (Native, "native", then, Plain | UnixFileMode.UserExecute)));
        var second = Pack(Folder("second",
            (Native, "native", later, Private | UnixFileMode.UserExecute), ("App.dll", "app", later, Private)));

        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(File.ReadAllBytes(first.Path), File.ReadAllBytes(second.Path));
        Assert.Matches("^[0-9a-f]{64}$", first.Sha256);
        Assert.Equal((2, new FileInfo(first.Path).Length), (first.Files, first.Size));
    }

    [Fact]
    public void One_changed_byte_makes_another_package()
    {
        var time = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var first = Pack(Folder("a", ("App.dll", "version 1", time, Plain)));
        var second = Pack(Folder("b", ("App.dll", "version 2", time, Plain)));

        Assert.NotEqual(first.Sha256, second.Sha256);
    }

    [Fact]
    public void Entries_are_sorted_with_one_timestamp_and_plain_file_modes()
    {
        var time = DateTime.UtcNow;
        var package = Pack(Folder("c",
            ("b.dll", "b", time, Private), ("a/x.so", "x", time, Private | UnixFileMode.UserExecute), ("a.json", "{}", time, Plain)));

        using var zip = ZipFile.OpenRead(package.Path);
        Assert.Equal(["a.json", "a/x.so", "b.dll"], zip.Entries.Select(e => e.FullName));
        Assert.All(zip.Entries, e => Assert.Equal(PackageArchive.EntryTime.DateTime, e.LastWriteTime.DateTime));
        Assert.Equal([0x81A4u, 0x81EDu, 0x81A4u], zip.Entries.Select(e => (uint)e.ExternalAttributes >> 16));
        Assert.Equal("x", new StreamReader(zip.GetEntry("a/x.so")!.Open()).ReadToEnd());
    }
}
