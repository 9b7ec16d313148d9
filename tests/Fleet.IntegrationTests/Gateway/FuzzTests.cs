using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>
/// Generated and mutated requests against every /v2 route (seeded, so a failure can be replayed):
/// no 5xx, no hang, a JSON body on every answer, no unhandled exception in the gateway's log, and no
/// job persisted but those accepted. Besides mutations of valid bodies, a share of the requests are
/// the hard cases of <see cref="FuzzCases"/>: limit numbers, broken Unicode, NUL.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class FuzzTests(FleetFixture fleet, ITestOutputHelper output)
{
    private const int Requests = 10_000;
    private const int Seed = 20261122;
    private const string Endpoint = FleetFixture.FuzzEndpoint;

    private static readonly string[] s_routes =
        ["run", "runsync", "status/{id}", "stream/{id}", "cancel/{id}", "retry/{id}", "health", "purge-queue", "jobs", "redrive", "webhooks/{id}", "webhooks/{id}/resend"];

    private static readonly string[] s_bodies =
    [
        """{"input": {"echo": "fuzz"}}""",
        """{"input": {"echo": {"a": [1, 2.5, null, true, "x"], "b": {"c": "d"}}}}""",
        """{"input": {"fail": "fuzzed failure"}}""",
        """{"input": {"stream": [1, "two", {"three": 3}]}}""",
        """{"input": {"echo": 1}, "policy": {"executionTimeout": 60000, "ttl": 86400000, "lowPriority": true}}""",
        """{"input": {"echo": 1}, "webhook": "http://127.0.0.1:9/hook"}""",
        """{"input": {"echo": 1}, "webhook": "http://169.254.169.254/latest"}""",
        """{"input": {"echo": 1}, "policy": {"preferGpu": false, "minGpuMemoryMb": 1024}}""",
        """{"input": null}""",
        "{}",
        "",
    ];

    private static readonly string[] s_noise = ["\"", "{", "}", "[", "]", ",", ":", "\\", "\\u0000", "null", "1e999", "-0", "\u00e9", "\ud83d\ude80", " ", "\t", "9999999999999999999999"];

    [Fact]
    public async Task Ten_thousand_generated_requests_get_no_5xx_no_hang_and_only_accepted_jobs_persist()
    {
        var before = await fleet.CountRowsAsync();
        var gateway = fleet.Gateway;
        var unhandledBefore = Unhandled(gateway);
        var counts = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentBag<string>();
        var acceptedJobs = new ConcurrentDictionary<string, byte>();
        var knownIds = new ConcurrentBag<string>();
        using var client = new HttpClient { BaseAddress = fleet.Api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, cancellationToken) =>
        {
            var random = new Random(Seed + i);
            using var request = Generate(random, knownIds);
            var what = $"#{i} {request.Method} {request.RequestUri}";
            try
            {
                using var response = await client.SendAsync(request, cancellationToken);
                var code = (int)response.StatusCode;
                counts.AddOrUpdate(code, 1, (_, n) => n + 1);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (code >= 500)
                {
                    failures.Add($"{what}: {code} {body}");
                }

                if (response.Content.Headers.ContentType?.MediaType != "application/json")
                {
                    failures.Add($"{what}: {code} with content type {response.Content.Headers.ContentType}");
                }

                var path = request.RequestUri!.OriginalString.Split('?')[0];
                if (code == 200 && request.Method == HttpMethod.Post && (path.EndsWith("/run", StringComparison.Ordinal) || path.EndsWith("/runsync", StringComparison.Ordinal)))
                {
                    var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
                    acceptedJobs.TryAdd(id, 0);
                    knownIds.Add(id);
                }
            }
            catch (TaskCanceledException)
            {
                failures.Add($"{what}: no answer within {client.Timeout}");
            }
        });

        output.WriteLine($"{Requests} requests in {clock.Elapsed.TotalSeconds:0.0} s; status codes: " +
            string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}")));
        output.WriteLine($"{acceptedJobs.Count} jobs accepted, {failures.Count} failures");
        Console.WriteLine($"fuzz status codes: {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"))}");

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)));
        Assert.True(Unhandled(gateway) == unhandledBefore, "the gateway logged unhandled exceptions:\n" + gateway.Tail(60));
        Assert.Equal(Requests, counts.Values.Sum());
        var after = await fleet.CountRowsAsync();
        Assert.Equal(before.Jobs + acceptedJobs.Count, after.Jobs);

        await fleet.Api.PostAsync($"v2/{Endpoint}/purge-queue", FleetFixture.Json(""));
    }

    private static HttpRequestMessage Generate(Random random, ConcurrentBag<string> knownIds)
    {
        var route = s_routes[random.Next(s_routes.Length)];
        var endpoint = random.Next(10) switch
        {
            0 => "no-such-endpoint",
            1 => Uri.EscapeDataString(Noise(random, 1 + random.Next(12))),
            2 => new string('e', 300),
            _ => Endpoint,
        };
        byte[] body;
        switch (random.Next(10))
        {
            case < 2:
                (endpoint, body) = FuzzCases.NumberCase(random);
                route = random.Next(4) == 0 ? "runsync" : "run";
                break;
            case < 4:
                body = FuzzCases.TextCase(random);
                route = random.Next(4) == 0 ? "runsync" : "run";
                break;
            default:
                body = Encoding.UTF8.GetBytes(Mutate(random, s_bodies[random.Next(s_bodies.Length)]));
                break;
        }

        var jobId = random.Next(5) switch
        {
            0 => Guid.NewGuid().ToString(),
            1 => Uri.EscapeDataString(Noise(random, 1 + random.Next(40))),
            _ => knownIds.TryPeek(out var id) ? knownIds.ElementAt(random.Next(Math.Min(knownIds.Count, 50))) : Guid.NewGuid().ToString(),
        };
        var path = $"v2/{endpoint}/{route.Replace("{id}", jobId, StringComparison.Ordinal)}";
        path += random.Next(10) switch
        {
            0 => "/",
            1 => "?wait=" + random.Next(-5, 400_000),
            2 => "?status=" + (random.Next(2) == 0 ? "FAILED" : Uri.EscapeDataString(Noise(random, 5))) + "&limit=" + random.Next(-3, 2000),
            3 => "?before=" + Uri.EscapeDataString(Noise(random, 10)),
            4 => "?wait=" + FuzzCases.QueryNumber(random),
            5 => "?limit=" + FuzzCases.QueryNumber(random),
            _ => route == "runsync" ? "?wait=1000" : "",
        };
        var method = random.Next(10) switch
        {
            0 => HttpMethod.Get,
            1 => HttpMethod.Put,
            2 => HttpMethod.Delete,
            3 => HttpMethod.Patch,
            _ => route is "health" or "jobs" or "webhooks/{id}" or "status/{id}" or "stream/{id}" ? HttpMethod.Get : HttpMethod.Post,
        };

        var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = random.Next(6) switch
            {
                0 => null,
                1 => new("text/plain"),
                2 => new("application/x-www-form-urlencoded"),
                _ => new("application/json"),
            };
        }

        var authorization = random.Next(12) switch
        {
            0 => null,
            1 => "Bearer not-the-key",
            2 => "Bearer ",
            3 => HeaderSafe(Noise(random, 20)),
            4 => FleetFixture.ApiKey,
            _ => "Bearer " + FleetFixture.ApiKey,
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (random.Next(4) == 0)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", random.Next(3) switch
            {
                0 => new string('k', 300),
                1 => "fuzz-" + random.Next(20),
                _ => HeaderSafe(Noise(random, 1 + random.Next(30))),
            });
        }

        return request;
    }

    private static string Mutate(Random random, string body)
    {
        var text = new StringBuilder(body);
        var mutations = random.Next(4);
        for (var m = 0; m < mutations && text.Length > 0; m++)
        {
            var at = random.Next(text.Length);
            switch (random.Next(6))
            {
                case 0: text.Remove(at, Math.Min(1 + random.Next(5), text.Length - at)); break;
                case 1: text.Insert(at, s_noise[random.Next(s_noise.Length)]); break;
                case 2: text[at] = (char)random.Next(1, 0x7f); break;
                case 3: text.Length = at; break;
                case 4: text.Insert(at, new string('[', 200) + new string(']', 200)); break;
                default: text.Append(text); break;
            }
        }

        return text.ToString();
    }

    /// <summary>Lines of the gateway's log that report an exception nobody handled (each was a 500).</summary>
    private static int Unhandled(FleetProcess gateway) =>
        gateway.Output.Count(line => line.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));

    /// <summary>HTTP clients refuse non-ASCII and control characters in header values: keep the rest of the noise.</summary>
    private static string HeaderSafe(string value) => string.Concat(value.Select(c => c is >= ' ' and <= '~' ? c : '?'));

    private static string Noise(Random random, int length)
    {
        var text = new StringBuilder();
        while (text.Length < length)
        {
            text.Append(s_noise[random.Next(s_noise.Length)]);
        }

        return text.ToString();
    }
}
