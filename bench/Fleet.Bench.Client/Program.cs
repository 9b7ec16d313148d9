using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using Fleet.Bench.Client;
using Fleet.Client;
using Microsoft.Extensions.DependencyInjection;

// fleet-bench-client: maps N echo inputs through Fleet.Client in two modes, alternately, for a number
// of runs: "batch" (batch/run submissions, batch/status long polls) and "per-job" (RunPod's routes:
// one /run per input, each job's /status polled every --poll-ms). Prints wall time and HTTP requests
// per job for each mode (min / median / max over the runs) and the ratios.
var options = args.Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
var url = new Uri(options.GetValueOrDefault("url", Environment.GetEnvironmentVariable("FLEET_GATEWAY_URL") ?? "http://127.0.0.1:8080"));
var key = options.GetValueOrDefault("key") ?? Environment.GetEnvironmentVariable("FLEET_API_KEY")
    ?? throw new ArgumentException("--key KEY (or FLEET_API_KEY) is required");
var endpoint = options.GetValueOrDefault("endpoint", "echo");
int Int(string name, int fallback) =>
    int.Parse(options.GetValueOrDefault(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
var jobs = Int("jobs", 10_000);
var runs = Int("runs", 3);
// The client's defaults: half the admission limit of a one-worker endpoint (500 queued), so neither mode waits on 429s.
var inFlight = Int("max-in-flight", new FleetMapOptions().MaxInFlight);
var batchSize = Int("batch-size", new FleetMapOptions().BatchSize);
var pollMs = Int("poll-ms", 500);
var concurrency = Int("concurrency", 32);

Console.WriteLine($"fleet-bench-client: {jobs} echo inputs through {url} endpoint '{endpoint}', {runs} runs per mode");
Console.WriteLine($"  both modes: at most {inFlight} inputs in flight; batch: {batchSize} per batch/run, long polls; " +
    $"per-job: {concurrency} requests at once, each job's status polled every {pollMs} ms");

await MapAsync("warm-up", useFleetRoutes: true, Math.Min(jobs, 500));
var results = new List<MapRun>();
for (var run = 0; run < runs; run++)
{
    // Alternate which mode goes first, so neither always meets a warmer or colder fleet.
    foreach (var batch in run % 2 == 0 ? new[] { true, false } : [false, true])
    {
        var result = await MapAsync(batch ? "batch" : "per-job", batch, jobs);
        results.Add(result);
        Console.WriteLine($"  run {run + 1} {result.Mode,-8} {result.Wall.TotalSeconds,7:F2} s  {result.JobsPerSecond,7:F0} jobs/s  " +
            $"{result.Requests,7} requests  {result.RequestsPerJob,6:F3} per job  ({result.Refused} answered 429)");
    }
}

Console.WriteLine();
Console.WriteLine("mode       wall s (min / median / max)     requests per job (min / median / max)   jobs/s (median)");
foreach (var mode in new[] { "batch", "per-job" })
{
    var of = results.Where(r => r.Mode == mode).ToList();
    string Row(Func<MapRun, double> figure, string format) =>
        string.Join(" / ", new[] { of.Min(figure), Median(of.Select(figure)), of.Max(figure) }
            .Select(v => v.ToString(format, CultureInfo.InvariantCulture)));
    var jobsPerSecond = Median(of.Select(r => r.JobsPerSecond));
    Console.WriteLine($"{mode,-10} {Row(r => r.Wall.TotalSeconds, "F2"),-31} {Row(r => r.RequestsPerJob, "F3"),-39} {jobsPerSecond:F0}");
}

var batchRuns = results.Where(r => r.Mode == "batch").ToList();
var perJobRuns = results.Where(r => r.Mode == "per-job").ToList();
var fewerRequests = Median(perJobRuns.Select(r => r.RequestsPerJob)) / Median(batchRuns.Select(r => r.RequestsPerJob));
var lessWall = Median(perJobRuns.Select(r => r.Wall.TotalSeconds)) / Median(batchRuns.Select(r => r.Wall.TotalSeconds));
Console.WriteLine();
Console.WriteLine($"requests per job: per-job / batch = {fewerRequests:F1}x (target at least 3x) {Met(fewerRequests >= 3)}");
Console.WriteLine($"wall time:        per-job / batch = {lessWall:F1}x (target at least 2x) {Met(lessWall >= 2)}");
return fewerRequests >= 3 && lessWall >= 2 ? 0 : 1;

async Task<MapRun> MapAsync(string mode, bool useFleetRoutes, int count)
{
    var counter = new RequestCounter();
    var services = new ServiceCollection();
    services.AddFleetClient(o =>
    {
        o.BaseAddress = url;
        o.ApiKey = key;
        o.UseFleetRoutes = useFleetRoutes;
        o.PollInterval = TimeSpan.FromMilliseconds(pollMs);
        o.MaxConcurrentRequests = concurrency;
    }).AddHttpMessageHandler(counter.Handler);
    await using var provider = services.BuildServiceProvider();
    var echo = provider.GetRequiredService<FleetClient>().Endpoint<Echo, Echo>(endpoint);
    var clock = Stopwatch.StartNew();
    var index = 0;
    await foreach (var output in echo.MapAsync(
        Enumerable.Range(0, count).Select(i => new Echo(i)), new FleetMapOptions { MaxInFlight = inFlight, BatchSize = batchSize }))
    {
        if (output.Value != index++)
        {
            throw new InvalidOperationException($"{mode}: output {index - 1} is {output.Value}");
        }
    }

    return new MapRun(mode, count, clock.Elapsed, counter.Requests, counter.Refused);
}

static string Met(bool met) => met ? "met" : "NOT met";

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

/// <summary>The echo endpoint's input and output: <c>{"echo": n}</c>.</summary>
internal sealed record Echo([property: JsonPropertyName("echo")] int Value);
