using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Fleet.Autoscaler.Packages;

/// <summary>
/// Function packages on this machine, one folder per sha256 under <see cref="AutoscalerOptions.PackageDirectory"/>. A
/// package is fetched from the gateway (<see cref="PackageDownloader"/>), extracted into a temporary folder with a list
/// of its files, and renamed into place: a folder named by a hash is always whole, and concurrent starts of one package
/// share one fetch. A folder whose files no longer match its list (sizes on every use; contents too on this process's
/// first use) is discarded and fetched again.
/// </summary>
public sealed class PackageCache : IDisposable
{
    private const string ListFile = ".fleet-package.json";
    private const string WorkDirectory = ".tmp";
    private readonly AutoscalerOptions _options;
    private readonly string _directory;
    private readonly PackageDownloader _downloader;
    private readonly TimeProvider _time;
    private readonly ILogger<PackageCache> _log;
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _fetches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _verified = new(StringComparer.Ordinal);

    public PackageCache(IOptions<AutoscalerOptions> options, TimeProvider time, ILogger<PackageCache> log)
    {
        _options = options.Value;
        _directory = Path.GetFullPath(_options.PackageDirectory);
        _time = time;
        _log = log;
        _downloader = new PackageDownloader(_options, time, log);
    }

    public string Directory => _directory;

    /// <summary>The folder of package <paramref name="sha256"/>, whole, fetching it first if it is not here or is damaged.</summary>
    public async Task<string> FolderAsync(string sha256, CancellationToken cancellationToken)
    {
        var fetch = _fetches.GetOrAdd(sha256, s => new Lazy<Task<string>>(() => EnsureAsync(s, cancellationToken)));
        try
        {
            return await fetch.Value;
        }
        finally
        {
            // Done (or failed): the next start checks the folder again, and a failed fetch is tried afresh.
            _fetches.TryRemove(KeyValuePair.Create(sha256, fetch));
        }
    }

    /// <summary>
    /// Deletes packages not in <paramref name="wanted"/> that were last used longer than the retention ago, and
    /// leftovers of interrupted fetches as old.
    /// </summary>
    public void Prune(IReadOnlySet<string> wanted)
    {
        if (!System.IO.Directory.Exists(_directory))
        {
            return;
        }

        var before = _time.GetUtcNow().UtcDateTime - _options.PackageRetention;
        foreach (var folder in System.IO.Directory.EnumerateDirectories(_directory))
        {
            var name = Path.GetFileName(folder);
            if (name != WorkDirectory && !wanted.Contains(name) && LastUse(folder) < before && !_fetches.ContainsKey(name))
            {
                _log.LogInformation("Package {Sha256} is named by no endpoint and unused since {LastUse:O}: deleted", name,
                    LastUse(folder));
                Discard(folder);
            }
        }

        var work = Path.Combine(_directory, WorkDirectory);
        foreach (var entry in System.IO.Directory.Exists(work) ? new DirectoryInfo(work).EnumerateFileSystemInfos() : [])
        {
            if (entry.LastWriteTimeUtc < before)
            {
                Delete(entry.FullName);
            }
        }
    }

    private async Task<string> EnsureAsync(string sha256, CancellationToken cancellationToken)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new PackageException($"'{sha256}' is not a package name (64 lowercase hex digits)");
        }

        var folder = Path.Combine(_directory, sha256);
        if (System.IO.Directory.Exists(folder))
        {
            if (await Task.Run(() => Whole(folder), cancellationToken))
            {
                File.SetLastWriteTimeUtc(Path.Combine(folder, ListFile), _time.GetUtcNow().UtcDateTime);
                return folder;
            }

            _log.LogWarning("Package {Sha256} in {Folder} is damaged (its files differ from its list): fetching it again", sha256, folder);
            Discard(folder);
        }

        var work = System.IO.Directory.CreateDirectory(Path.Combine(_directory, WorkDirectory)).FullName;
        var unique = $"{sha256}.{Guid.NewGuid():N}";
        var zip = Path.Combine(work, unique + ".zip");
        var extracted = Path.Combine(work, unique);
        try
        {
            var started = _time.GetTimestamp();
            var size = await _downloader.DownloadAsync(sha256, zip, cancellationToken);
            await Task.Run(() => Extract(zip, extracted), cancellationToken);
            try
            {
                System.IO.Directory.Move(extracted, folder);
            }
            catch (IOException) when (System.IO.Directory.Exists(folder))
            {
                // Another autoscaler on this folder was faster; its copy is as good as ours.
            }

            _verified[folder] = true;
            _log.LogInformation("Package {Sha256} fetched ({Bytes} bytes) and extracted into {Folder} in {Ms:0} ms", sha256, size, folder,
                _time.GetElapsedTime(started).TotalMilliseconds);
            return folder;
        }
        finally
        {
            Delete(zip);
            Delete(extracted);
        }
    }

    /// <summary>Extracts the zip and writes the list of its files (path and size and sha256) beside them.</summary>
    private void Extract(string zip, string folder)
    {
        try
        {
            // Sizes as the zip declares them (extraction stops at the declared size): a small package must not fill the disk.
            using (var archive = ZipFile.OpenRead(zip))
            {
                var size = archive.Entries.Sum(e => e.Length);
                if (size > _options.MaxPackageExtractedBytes)
                {
                    throw new PackageException($"the package extracts to {size} bytes, more than " +
                        $"Autoscaler:MaxPackageExtractedBytes ({_options.MaxPackageExtractedBytes})");
                }
            }

            ZipFile.ExtractToDirectory(zip, folder);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new PackageException($"the package is not a zip that extracts: {e.Message}", e);
        }

        var files = System.IO.Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => new PackageFileEntry(new FileInfo(f).Length, Hash(f)));
        File.WriteAllText(Path.Combine(folder, ListFile), JsonSerializer.Serialize(files));
    }

    /// <summary>Every listed file there at its size; on this process's first look, with its contents' hash too.</summary>
    private bool Whole(string folder)
    {
        Dictionary<string, PackageFileEntry>? files;
        try
        {
            files = JsonSerializer.Deserialize<Dictionary<string, PackageFileEntry>>(File.ReadAllText(Path.Combine(folder, ListFile)));
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return false;
        }

        var deep = !_verified.ContainsKey(folder);
        var whole = files is { Count: > 0 } && files.All(f => new FileInfo(Path.Combine(folder, f.Key)) is { Exists: true } info
            && info.Length == f.Value.Size && (!deep || Hash(info.FullName) == f.Value.Sha256));
        if (whole)
        {
            _verified[folder] = true;
        }

        return whole;
    }

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static DateTime LastUse(string folder) => File.GetLastWriteTimeUtc(Path.Combine(folder, ListFile)) is var listed
        && listed.Year > 1601 ? listed : System.IO.Directory.GetLastWriteTimeUtc(folder);

    /// <summary>Renames the folder away first, so no half-deleted folder is ever found under a package's name.</summary>
    private void Discard(string folder)
    {
        var trash = Path.Combine(System.IO.Directory.CreateDirectory(Path.Combine(_directory, WorkDirectory)).FullName,
            "discarded-" + Guid.NewGuid().ToString("N"));
        _verified.TryRemove(folder, out _);
        try
        {
            System.IO.Directory.Move(folder, trash);
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }

        Delete(trash);
    }

    private static void Delete(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
        else if (System.IO.Directory.Exists(path))
        {
            System.IO.Directory.Delete(path, recursive: true);
        }
    }

    public void Dispose() => _downloader.Dispose();
}
