using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using Fleet.Autoscaler;
using Fleet.Autoscaler.Packages;
using Fleet.Contracts.Functions;
using Fleet.UnitTests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.UnitTests.Autoscaler;

/// <summary>The autoscaler's package cache against a real HTTP server standing in for the gateway's package route.</summary>
public sealed class PackageCacheTests : IDisposable
{
    private const string WorkerKey = "unit-test-worker-key-0123456789abcdef";
    private readonly string _directory = Directory.CreateTempSubdirectory("fleet-package-cache-").FullName;
    private readonly RecordingGateway _gateway = new();
    private readonly byte[] _zip = Zip(("Hello.dll", "program"), ("Hello.runtimeconfig.json", "{}"), ("lib/Other.dll", "library"));

    public void Dispose()
    {
        _gateway.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string Sha256 => Convert.ToHexStringLower(SHA256.HashData(_zip));

    private PackageCache Cache(TimeSpan? retention = null, TimeSpan? retryFor = null, Uri? gateway = null, long? maxExtracted = null) =>
        new(Options.Create(new AutoscalerOptions
        {
            GatewayUrl = gateway ?? _gateway.Address, WorkerKey = WorkerKey, PackageDirectory = Path.Combine(_directory, "packages"),
            PackageRetention = retention ?? TimeSpan.FromHours(1), PackageFetchRetryFor = retryFor ?? TimeSpan.FromMinutes(2),
            MaxPackageExtractedBytes = maxExtracted ?? 1L << 30,
        }), TimeProvider.System, NullLogger<PackageCache>.Instance);

    [Fact]
    public async Task Fetches_a_package_with_its_signature_once_for_concurrent_starts_and_extracts_it_under_its_hash()
    {
        _gateway.BinaryAnswer = _ => (HttpStatusCode.OK, _zip);
        using var cache = Cache();

        var folders = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => cache.FolderAsync(Sha256, CancellationToken.None)));

        Assert.All(folders, f => Assert.Equal(Path.Combine(_directory, "packages", Sha256), f));
        Assert.Equal("program", await File.ReadAllTextAsync(Path.Combine(folders[0], "Hello.dll")));
        Assert.Equal("library", await File.ReadAllTextAsync(Path.Combine(folders[0], "lib", "Other.dll")));
        var request = Assert.Single(_gateway.Requests);
        Assert.Equal(("GET", $"/v1/packages/{Sha256}", PackageSignature.Sign(Sha256, WorkerKey)),
            (request.Method, request.Path, request.PackageSignature));
        Assert.Equal(Path.Combine(folders[0], "Hello.dll"), PackageEntry.Find(folders[0]));
    }

    [Fact]
    public async Task A_download_whose_bytes_do_not_hash_to_the_name_fails_and_keeps_nothing()
    {
        _gateway.BinaryAnswer = _ => (HttpStatusCode.OK, [.. _zip, 0]);
        using var cache = Cache();

        var error = await Assert.ThrowsAsync<PackageException>(() => cache.FolderAsync(Sha256, CancellationToken.None));

        Assert.Contains("not the package's", error.Message);
        Assert.False(Directory.Exists(Path.Combine(_directory, "packages", Sha256)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_directory, "packages", ".tmp")));
    }

    [Fact]
    public async Task A_package_the_gateway_does_not_have_fails_with_its_answer()
    {
        _gateway.Answer = _ => (HttpStatusCode.NotFound, """{"detail": "There is no package"}""");
        using var cache = Cache();

        var error = await Assert.ThrowsAsync<PackageException>(() => cache.FolderAsync(Sha256, CancellationToken.None));

        Assert.Contains("404", error.Message);
        Assert.Contains("There is no package", error.Message);
        // An answer that will not change is not asked again.
        Assert.Single(_gateway.Requests);
    }

    [Fact]
    public async Task A_package_that_would_extract_past_the_limit_fails_and_keeps_nothing()
    {
        _gateway.BinaryAnswer = _ => (HttpStatusCode.OK, _zip);
        // The three files hold 7 + 2 + 7 bytes.
        using var cache = Cache(maxExtracted: 15);

        var error = await Assert.ThrowsAsync<PackageException>(() => cache.FolderAsync(Sha256, CancellationToken.None));

        Assert.Contains("extracts to 16 bytes, more than Autoscaler:MaxPackageExtractedBytes (15)", error.Message);
        Assert.False(Directory.Exists(Path.Combine(_directory, "packages", Sha256)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_directory, "packages", ".tmp")));
        using var enough = Cache(maxExtracted: 16);
        Assert.True(Directory.Exists(await enough.FolderAsync(Sha256, CancellationToken.None)));
    }

    [Fact]
    public async Task A_gateway_that_answers_503_for_a_while_is_asked_again_with_backoff_until_it_serves_the_package()
    {
        var asked = 0;
        _gateway.BinaryAnswer = _ =>
            Interlocked.Increment(ref asked) <= 2 ? (HttpStatusCode.ServiceUnavailable, []) : (HttpStatusCode.OK, _zip);
        using var cache = Cache();

        var folder = await cache.FolderAsync(Sha256, CancellationToken.None);

        Assert.Equal("program", await File.ReadAllTextAsync(Path.Combine(folder, "Hello.dll")));
        Assert.Equal(3, _gateway.Requests.Count);
    }

    [Fact]
    public async Task A_gateway_that_stays_unavailable_fails_the_fetch_once_the_retry_time_is_spent_naming_its_answer()
    {
        _gateway.Answer = _ => (HttpStatusCode.BadGateway, """{"detail": "upstream away"}""");
        using var cache = Cache(retryFor: TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<PackageException>(() => cache.FolderAsync(Sha256, CancellationToken.None));

        Assert.Contains("502", error.Message);
        Assert.Matches(@"tried [2-9] times in", error.Message);
        Assert.InRange(_gateway.Requests.Count, 2, 5);
    }

    [Fact]
    public async Task An_unreachable_gateway_fails_with_the_address_it_tried()
    {
        var address = _gateway.Address;
        _gateway.Dispose();
        using var cache = Cache(retryFor: TimeSpan.Zero, gateway: address);

        var error = await Assert.ThrowsAsync<PackageException>(() => cache.FolderAsync(Sha256, CancellationToken.None));

        Assert.Contains($"cannot fetch the package from {address}v1/packages/{Sha256}", error.Message);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("deleted")]
    [InlineData("altered")]
    [InlineData("list lost")]
    public async Task A_damaged_copy_is_fetched_again(string damage)
    {
        _gateway.BinaryAnswer = _ => (HttpStatusCode.OK, _zip);
        var folder = await Cache().FolderAsync(Sha256, CancellationToken.None);
        var program = Path.Combine(folder, "Hello.dll");
        switch (damage)
        {
            case "truncated": await File.WriteAllTextAsync(program, "pro"); break;
            case "deleted": File.Delete(program); break;
            case "altered": await File.WriteAllTextAsync(program, "PROGRAM"); break;
            default: File.Delete(Path.Combine(folder, ".fleet-package.json")); break;
        }

        // A new process (a restarted autoscaler) checks contents too; one that already checked them checks sizes.
        using var cache = Cache();
        var again = await cache.FolderAsync(Sha256, CancellationToken.None);

        Assert.Equal(folder, again);
        Assert.Equal("program", await File.ReadAllTextAsync(program));
        Assert.Equal(2, _gateway.Requests.Count);
    }

    [Fact]
    public async Task A_whole_copy_is_used_without_asking_the_gateway()
    {
        _gateway.BinaryAnswer = _ => (HttpStatusCode.OK, _zip);
        using var cache = Cache();
        await cache.FolderAsync(Sha256, CancellationToken.None);

        await cache.FolderAsync(Sha256, CancellationToken.None);
        await Cache().FolderAsync(Sha256, CancellationToken.None);

        Assert.Single(_gateway.Requests);
    }

    [Fact]
    public async Task Prune_deletes_packages_no_endpoint_names_once_unused_past_the_retention_and_keeps_the_rest()
    {
        _gateway.BinaryAnswer = _ => (HttpStatusCode.OK, _zip);
        using var cache = Cache(retention: TimeSpan.Zero);
        var folder = await cache.FolderAsync(Sha256, CancellationToken.None);

        cache.Prune(new HashSet<string> { Sha256 });
        Assert.True(Directory.Exists(folder));
        using (var patient = Cache(retention: TimeSpan.FromHours(1)))
        {
            patient.Prune(new HashSet<string>());
        }

        Assert.True(Directory.Exists(folder));
        cache.Prune(new HashSet<string>());
        Assert.False(Directory.Exists(folder));
    }

    private static byte[] Zip(params (string Name, string Text)[] files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in files)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(text);
            }
        }

        return buffer.ToArray();
    }
}
