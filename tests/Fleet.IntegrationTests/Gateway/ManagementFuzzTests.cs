using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>
/// Generated requests against every <c>/v1/endpoints</c> route (seeded, so a failure can be replayed), 16 at a
/// time on a few shared names, so creates, changes and deletes of one endpoint race: no 5xx, a JSON answer
/// every time, no unhandled exception in the gateway's log, and afterwards no half-written endpoint: every row
/// the table holds is one the rules accept, with consistent versions, and reads back through the API as stored.
/// Besides mutations of valid bodies, a share are <see cref="FuzzCases"/>' hard cases: limit numbers in every
/// numeric field, broken Unicode and NUL in every text, wrong types.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class ManagementFuzzTests(FleetFixture fleet, ITestOutputHelper output)
{
    private const int Requests = 10_000;
    private const int Seed = 20261201;
    private const string Prefix = "fz-";

    private static readonly string[] s_numberFields =
        ["workersMin", "workersMax", "idleTimeout", "scalerValue", "executionTimeoutMs", "maxAttempts", "minGpuMemoryMb",
            "concurrencyPerWorker", "gpuCount"];

    private static readonly string[] s_bodies =
    [
        """{"handler": "echo", "computeType": "CPU", "workersMax": 2, "concurrencyPerWorker": 4, "env": {"MODEL": "small"}}""",
        """{"handler": "echo", "workersMin": 0, "workersMax": 3, "idleTimeout": 30, "scalerType": "REQUEST_COUNT", "scalerValue": 2}""",
        """{"handler": "mlp", "computeType": "GPU", "gpuCount": 1, "cpuFallback": true, "minGpuMemoryMb": 512}""",
        """{"workersMax": 4}""",
        """{"executionTimeoutMs": 60000, "maxAttempts": 3}""",
        """{"env": {}}""",
        """{"handler": "echo", "templateId": "abc", "gpuTypeIds": ["NVIDIA A100"], "flashboot": true}""",
        """{"handler": "echo", "package": null, "manifest": null}""",
        "{}",
        "",
    ];

    private static readonly (string Handler, string Hardware)[] s_builtIn = [("echo", "Cpu"), ("mlp", "Gpu"), ("matmul", "Gpu"), ("vector", "Gpu")];

    private static readonly int[] s_outcomes = [200, 201, 400, 401, 404, 409];

    private static readonly string[] s_texts = ["handler", "computeType", "scalerType", "package", "name"];

    private static readonly string[] s_noise = ["\"", "{", "}", "[", "]", ",", ":", "\\", "\\u0000", "null", "1e999", "-0", "\u00e9", " "];

    [Fact]
    public async Task Ten_thousand_generated_management_requests_get_no_5xx_and_leave_no_half_written_endpoint()
    {
        var gateway = fleet.Gateway;
        var unhandledBefore = gateway.Output.Count(l => l.Contains("Unhandled exception", StringComparison.Ordinal));
        var counts = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentBag<string>();
        using var client = new HttpClient { BaseAddress = fleet.Api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            using var request = Generate(new Random(Seed + i));
            var what = $"#{i} {request.Method} {request.RequestUri}";
            try
            {
                using var response = await client.SendAsync(request, token);
                var code = (int)response.StatusCode;
                counts.AddOrUpdate(code, 1, (_, n) => n + 1);
                var body = await response.Content.ReadAsStringAsync(token);
                if (code >= 500)
                {
                    failures.Add($"{what}: {code} {body}");
                }

                if (response.Content.Headers.ContentType?.MediaType != "application/json")
                {
                    failures.Add($"{what}: {code} with content type {response.Content.Headers.ContentType}");
                }
            }
            catch (TaskCanceledException)
            {
                failures.Add($"{what}: no answer within {client.Timeout}");
            }
        });

        var summary = string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"));
        output.WriteLine($"{Requests} management requests in {clock.Elapsed.TotalSeconds:0.0} s; status codes: {summary}");
        Console.WriteLine($"management fuzz status codes: {summary}");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)));
        Assert.Equal(gateway.Output.Count(l => l.Contains("Unhandled exception", StringComparison.Ordinal)), unhandledBefore);
        // The generator must reach every outcome, or it tests less than it seems to.
        Assert.All(s_outcomes, code => Assert.True(counts.ContainsKey(code), $"no {code} among {summary}"));

        await AssertEveryEndpointIsWholeAsync();
        foreach (var id in await fleet.QueryAsync<string>($"SELECT id FROM endpoints WHERE id LIKE '{Prefix}%'"))
        {
            using var deleted = await fleet.Api.DeleteAsync($"v1/endpoints/{id}?force=true");
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }
    }

    /// <summary>
    /// Each row reads back through the API as stored, with consistent versions, and is whole: sent back as it reads
    /// (PUT), the API's own rules accept it and find nothing to change.
    /// </summary>
    private async Task AssertEveryEndpointIsWholeAsync()
    {
        var rows = await fleet.QueryAsync<string>(
            $"SELECT id || ' ' || version || ' ' || worker_version || ' ' || handler || ' ' || hardware FROM endpoints WHERE id LIKE '{Prefix}%'");
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var (id, version, workerVersion, handler, hardware) = row.Split(' ') switch
            {
                [var a, var b, var c, var d, var e] => (a, int.Parse(b, CultureInfo.InvariantCulture), int.Parse(c, CultureInfo.InvariantCulture),
                    d, e),
                _ => throw new InvalidOperationException(row),
            };
            Assert.True(workerVersion >= 1 && workerVersion <= version, row);
            Assert.Contains((handler, hardware), s_builtIn);
            using var read = await fleet.Api.GetAsync($"v1/endpoints/{id}");
            var answer = await read.Content.ReadAsStringAsync();
            Assert.Equal(version, JsonDocument.Parse(answer).RootElement.GetProperty("version").GetInt32());
            using var again = await fleet.Api.PutAsync($"v1/endpoints/{id}", FleetFixture.Json(answer));
            var result = await again.Content.ReadAsStringAsync();
            Assert.True(again.StatusCode == HttpStatusCode.OK, $"{row}: {result}");
            Assert.Equal("unchanged", JsonDocument.Parse(result).RootElement.GetProperty("result").GetString());
        }
    }

    private static HttpRequestMessage Generate(Random random)
    {
        // A few shared names, so requests on one endpoint race; now and then a name that is no name.
        var id = random.Next(12) switch
        {
            0 => Uri.EscapeDataString(Noise(random, 1 + random.Next(10))),
            1 => new string('e', 65 + random.Next(300)),
            2 => "batch",
            _ => Prefix + random.Next(6),
        };
        var body = random.Next(10) switch
        {
            < 2 => NumberCase(random),
            < 4 => TextCase(random),
            < 5 => WrongTypeCase(random),
            _ => Encoding.UTF8.GetBytes(Mutate(random, s_bodies[random.Next(s_bodies.Length)])),
        };
        var (method, path) = random.Next(10) switch
        {
            < 2 => (HttpMethod.Post, "v1/endpoints"),
            < 5 => (HttpMethod.Put, $"v1/endpoints/{id}"),
            < 7 => (HttpMethod.Patch, $"v1/endpoints/{id}"),
            < 8 => (HttpMethod.Delete, $"v1/endpoints/{id}" + (random.Next(3) switch
            {
                0 => "?force=true",
                1 => "?force=" + Uri.EscapeDataString(Noise(random, 4)),
                _ => "",
            })),
            < 9 => (HttpMethod.Get, $"v1/endpoints/{id}"),
            _ => (HttpMethod.Get, "v1/endpoints"),
        };
        if (method == HttpMethod.Post && random.Next(4) > 0 && body.Length > 1 && body[0] == '{')
        {
            // A create names its endpoint in the body.
            body = [.. Encoding.UTF8.GetBytes($"{{\"name\": \"{Prefix}{random.Next(6)}\", "), .. body[1..]];
        }

        var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = random.Next(6) == 0 ? new("text/plain") : new("application/json");
        }

        var authorization = random.Next(16) switch
        {
            0 => null,
            1 => "Bearer not-the-key",
            2 => "Bearer ",
            _ => "Bearer " + FleetFixture.ApiKey,
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return request;
    }

    /// <summary>A valid body with one numeric field set to an edge number.</summary>
    private static byte[] NumberCase(Random random)
    {
        var field = s_numberFields[random.Next(s_numberFields.Length)];
        var number = FuzzCases.Numbers[random.Next(FuzzCases.Numbers.Length)];
        return Encoding.UTF8.GetBytes($$"""{"handler": "echo", "{{field}}": {{number}}}""");
    }

    /// <summary>A body with broken text (unpaired surrogate, NUL, bytes that are not UTF-8) in a text field, a name, or env.</summary>
    private static byte[] TextCase(Random random)
    {
        var template = random.Next(3) switch
        {
            0 => $$"""{"handler": "echo", "{{s_texts[random.Next(s_texts.Length)]}}": "§"}""",
            1 => """{"handler": "echo", "env": {"§": "x"}}""",
            _ => """{"handler": "echo", "env": {"MODEL": "§"}}""",
        };
        var bytes = Encoding.UTF8.GetBytes(template);
        var at = Array.IndexOf(bytes, (byte)0xc2); // '§' is C2 A7 in UTF-8
        var broken = random.Next(2) == 0
            ? Encoding.UTF8.GetBytes(FuzzCases.BadEscapes[random.Next(FuzzCases.BadEscapes.Length)])
            : [(byte)'x', .. FuzzCases.BadUtf8[random.Next(FuzzCases.BadUtf8.Length)], (byte)'y'];
        return [.. bytes[..at], .. broken, .. bytes[(at + 2)..]];
    }

    /// <summary>A field given a value of the wrong JSON type.</summary>
    private static byte[] WrongTypeCase(Random random)
    {
        string[] fields = [.. s_numberFields, .. s_texts, "env", "cpuFallback", "manifest", "id"];
        string[] values = ["null", "true", "\"12\"", "[]", "{}", "[1, 2]", "{\"a\": {\"b\": 1}}", "1", "-1"];
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""{"handler": "echo", "{{fields[random.Next(fields.Length)]}}": {{values[random.Next(values.Length)]}}}"""));
    }

    private static string Mutate(Random random, string body)
    {
        var text = new StringBuilder(body);
        var mutations = random.Next(3);
        for (var m = 0; m < mutations && text.Length > 0; m++)
        {
            var at = random.Next(text.Length);
            switch (random.Next(5))
            {
                case 0: text.Remove(at, Math.Min(1 + random.Next(5), text.Length - at)); break;
                case 1: text.Insert(at, s_noise[random.Next(s_noise.Length)]); break;
                case 2: text[at] = (char)random.Next(1, 0x7f); break;
                case 3: text.Length = at; break;
                default: text.Insert(at, new string('[', 100) + new string(']', 100)); break;
            }
        }

        return text.ToString();
    }

    private static string Noise(Random random, int length)
    {
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            text.Append(s_noise[random.Next(s_noise.Length)]);
        }

        return text.ToString();
    }
}
