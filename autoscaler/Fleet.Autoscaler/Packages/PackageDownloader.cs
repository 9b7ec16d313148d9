using System.Security.Cryptography;
using Fleet.Contracts;
using Fleet.Contracts.Functions;

namespace Fleet.Autoscaler.Packages;

/// <summary>
/// Downloads a package from the gateway with the workers' package signature into a file, hashing it while it is written
/// (a mismatch is an error; the caller keeps nothing). A gateway that is unreachable or answers 5xx, 408 or 429 is asked
/// again with backoff for <see cref="AutoscalerOptions.PackageFetchRetryFor"/>: a gateway restart is not a failed start.
/// </summary>
internal sealed class PackageDownloader(AutoscalerOptions options, TimeProvider time, ILogger log) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = options.PackageFetchTimeout };

    /// <summary>
    /// Downloads, trying again after transient failures until <see cref="AutoscalerOptions.PackageFetchRetryFor"/> has passed.
    /// </summary>
    public async Task<long> DownloadAsync(string sha256, string path, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DownloadOnceAsync(sha256, path, cancellationToken);
            }
            catch (PackageException e) when (e.Transient)
            {
                var tried = time.GetElapsedTime(started);
                if (tried + delay > options.PackageFetchRetryFor)
                {
                    throw new PackageException($"{e.Message} (tried {attempt} times in {tried.TotalSeconds:0.#} s)", e);
                }

                log.LogWarning("Package {Sha256}: {Error}; trying again in {Delay:0.#} s", sha256, e.Message, delay.TotalSeconds);
                File.Delete(path);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task<long> DownloadOnceAsync(string sha256, string path, CancellationToken cancellationToken)
    {
        var gateway = options.GatewayUrl
            ?? throw new PackageException("Autoscaler:GatewayUrl is not set, so no package can be fetched");
        var uri = new Uri(gateway, $"{FleetNames.PackagesRoute}/{sha256}");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Add(PackageSignature.Header, PackageSignature.Sign(sha256, options.WorkerKey));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var status = (int)response.StatusCode;
                throw new PackageException($"GET {uri} answered {status} {response.ReasonPhrase}: {body[..Math.Min(body.Length, 500)]}",
                    transient: status is >= 500 or 408 or 429);
            }

            await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
            await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            long size = 0;
            for (int read; (read = await source.ReadAsync(buffer, cancellationToken)) > 0; size += read)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            return actual == sha256
                ? size
                : throw new PackageException($"GET {uri} sent {size} bytes whose sha256 is {actual}, not the package's; nothing kept");
        }
        catch (Exception e) when (e is HttpRequestException or HttpIOException or TaskCanceledException
            && !cancellationToken.IsCancellationRequested)
        {
            throw new PackageException($"cannot fetch the package from {uri}: {e.Message}", e, transient: true);
        }
    }

    public void Dispose() => _http.Dispose();
}
