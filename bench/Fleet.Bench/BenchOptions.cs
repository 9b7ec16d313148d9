using System.Globalization;
using System.Text.Json;

namespace Fleet.Bench;

/// <summary>Command-line options. Parsed by hand so the bench needs nothing beyond the BCL.</summary>
public sealed record BenchOptions
{
    public Uri Url { get; init; } = new("http://127.0.0.1:8080/");
    public string? Key { get; init; } = Environment.GetEnvironmentVariable("FLEET_API_KEY");
    public string Endpoint { get; init; } = "echo";
    public int Jobs { get; init; } = 10_000;
    public int Concurrency { get; init; } = 64;

    /// <summary>
    /// 0 means Concurrency. Every job needs at least one poll, so fewer pollers than submitters
    /// leaves a backlog of unpolled jobs that grows with N and inflates the measured latency.
    /// </summary>
    public int Pollers { get; init; }
    public int RunSync { get; init; } = 500;
    public int Warmup { get; init; } = 200;
    public string Input { get; init; } = """{"echo":"bench"}""";
    public int TimeoutSeconds { get; init; } = 300;
    public bool Help { get; init; }

    public int EffectivePollers => Pollers > 0 ? Pollers : Concurrency;

    public static string HelpText => """
        fleet-bench: load generator for a Fleet gateway (RunPod-style /v2 job API)

          --url URL          gateway root (default http://127.0.0.1:8080; a trailing /v2 is accepted)
          --key KEY          API key, sent as "Authorization: Bearer KEY" (default: $FLEET_API_KEY)
          --endpoint ID      endpoint to load (default echo)
          --jobs N           burst phase: jobs submitted with /run and polled to the end (default 10000; 0 skips)
          --concurrency C    burst phase: most /run requests in flight (default 64)
          --pollers P        burst phase: concurrent status pollers (default C)
          --runsync N        runsync phase: sequential /runsync calls (default 500; 0 skips)
          --warmup N         jobs run through the burst phase first and not counted (default 200)
          --input JSON       job input (default {"echo":"bench"})
          --timeout-s S      deadline for the whole run, warmup included (default 300)
          --help             print this text

        Exit codes: 0 all jobs completed; 1 a job failed or the deadline passed; 2 bad arguments,
        gateway unreachable or API key refused. The last output line is a JSON summary.
        """;

    /// <summary>Accepts both "--name value" and "--name=value".</summary>
    /// <exception cref="ArgumentException">An unknown option or a bad value.</exception>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string? inlineValue = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inlineValue = name[(eq + 1)..];
                name = name[..eq];
            }

            if (name is "--help" or "-h")
            {
                options = options with { Help = true };
                continue;
            }

            var value = inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value"));
            options = name switch
            {
                "--url" => options with { Url = ParseUrl(value) },
                "--key" => options with { Key = value },
                "--endpoint" => options with { Endpoint = value.Length > 0 ? value : throw new ArgumentException("--endpoint is empty") },
                "--jobs" => options with { Jobs = ParseInt(name, value, 0) },
                "--concurrency" => options with { Concurrency = ParseInt(name, value, 1) },
                "--pollers" => options with { Pollers = ParseInt(name, value, 1) },
                "--runsync" => options with { RunSync = ParseInt(name, value, 0) },
                "--warmup" => options with { Warmup = ParseInt(name, value, 0) },
                "--input" => options with { Input = ParseJson(value) },
                "--timeout-s" => options with { TimeoutSeconds = ParseInt(name, value, 1) },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        return options;
    }

    private static int ParseInt(string name, string value, int min) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n
            : throw new ArgumentException($"{name} wants an integer >= {min}, got '{value}'");

    private static Uri ParseUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--url wants an absolute http(s) URL, got '{value}'");
        }

        // RunPod clients are configured with .../v2 as their base; accept that too so one URL serves both.
        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/v2", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^3];
        }

        return new UriBuilder(uri) { Path = path + "/" }.Uri;
    }

    // Validated up front so a typo fails here rather than as thousands of 400s from the gateway.
    private static string ParseJson(string value)
    {
        try
        {
            using var doc = JsonDocument.Parse(value);
            return value;
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"--input is not valid JSON: {ex.Message}", ex);
        }
    }
}
