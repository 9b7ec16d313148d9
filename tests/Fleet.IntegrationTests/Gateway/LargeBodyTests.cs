using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>
/// Large bodies within the documented limits cannot exhaust the gateway: bytes in flight are bounded
/// per key and per gateway (refused with Retry-After past the bound), the accepted ones complete
/// intact, and the memory the burst took is given back afterwards.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class LargeBodyTests(FleetFixture fleet, ITestOutputHelper output)
{
    private const int Concurrent = 32;
    private const int InputBytes = 9_000_000;

    /// <summary>The stated bound: what a burst of 32 bodies of 9 MB may add to the gateway's resident memory.</summary>
    private const long PeakGrowthMb = 1_536;

    /// <summary>What may remain of it once the burst is over.</summary>
    private const long SettledGrowthMb = 400;

    [Fact]
    public async Task Thirty_two_concurrent_9_mb_runsync_jobs_stay_within_the_memory_bound_and_complete_or_get_retry_after()
    {
        var gateway = fleet.Gateway;
        var before = gateway.ResidentMegabytes();
        var text = new string('x', InputBytes - 20);
        var body = Encoding.UTF8.GetBytes("{\"input\": {\"echo\": \"" + text + "\"}}");
        long peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, gateway.ResidentMegabytes());
                await Task.Delay(50);
            }
        });

        var answers = new ConcurrentBag<(HttpStatusCode Status, string? Job, bool RetryAfter, int OutputLength)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Concurrent), new ParallelOptions { MaxDegreeOfParallelism = Concurrent }, async (_, ct) =>
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await fleet.Api.PostAsync("v2/echo/runsync", content, ct);
            var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct)).RootElement;
            var echoed = document.TryGetProperty("output", out var o) && o.ValueKind == JsonValueKind.Object ? o.GetProperty("echo").GetString()!.Length : -1;
            answers.Add((response.StatusCode, document.TryGetProperty("status", out var s) ? s.ToString() : null,
                response.Headers.RetryAfter is not null, echoed));
        });
        await sampling.CancelAsync();
        await sampler;

        var settled = await Eventually.Value(() => Task.FromResult(gateway.ResidentMegabytes()), mb => mb < before + SettledGrowthMb,
            TimeSpan.FromSeconds(20), () => $"resident {gateway.ResidentMegabytes()} MB, {before} MB before the burst");
        output.WriteLine($"gateway resident memory: {before} MB before, {peak} MB at the peak, {settled} MB settled; answers: " +
            string.Join(", ", answers.GroupBy(a => (int)a.Status).Select(g => $"{g.Key}: {g.Count()}")));
        Console.WriteLine($"large bodies: 32 x 9 MB runsync, gateway {before} -> peak {peak} -> settled {settled} MB");

        Assert.All(answers, a => Assert.True(
            (a.Status == HttpStatusCode.OK && a.Job == "COMPLETED" && a.OutputLength == text.Length)
            || (a.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && a.RetryAfter),
            $"{a.Status} {a.Job}, retry-after {a.RetryAfter}, output length {a.OutputLength}"));
        Assert.Contains(answers, a => a.Status == HttpStatusCode.OK);
        Assert.True(peak - before < PeakGrowthMb, $"the burst took the gateway from {before} MB to {peak} MB");
    }
}
