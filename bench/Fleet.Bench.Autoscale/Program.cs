using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

// fleet-bench-autoscale: a burst of jobs to an endpoint scaled to zero. Prints the cold start (the
// burst reaching the gateway to its first job starting, from the jobs' own delayTime) and the time
// until the gateway's /health counts workersMax live workers.
var options = args.Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
var gateway = new Uri(options.GetValueOrDefault("url", "http://127.0.0.1:8080").TrimEnd('/') + "/");
var autoscaler = new Uri(options.GetValueOrDefault("autoscaler", "http://127.0.0.1:8081").TrimEnd('/') + "/");
var key = options.GetValueOrDefault("key") ?? Environment.GetEnvironmentVariable("FLEET_API_KEY")
    ?? throw new ArgumentException("--key KEY (or FLEET_API_KEY) is required");
var endpoint = options.GetValueOrDefault("endpoint", "echo-scaled");
var jobs = int.Parse(options.GetValueOrDefault("jobs", "40"), CultureInfo.InvariantCulture);
var sleep = double.Parse(options.GetValueOrDefault("sleep-s", "1"), CultureInfo.InvariantCulture);

using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
using var scaler = new HttpClient { BaseAddress = autoscaler, Timeout = TimeSpan.FromSeconds(10) };
// The autoscaler's operator key, where one guards its port (Autoscaler:OperatorApiKey).
var operatorKey = options.GetValueOrDefault("autoscaler-key") ?? Environment.GetEnvironmentVariable("FLEET_AUTOSCALER_KEY");
if (!string.IsNullOrEmpty(operatorKey))
{
    scaler.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", operatorKey);
}

var decision = await DecisionAsync();
var max = decision.GetProperty("max").GetInt32();
Console.WriteLine($"endpoint {endpoint}: {decision.GetProperty("scalerType").GetString()} {decision.GetProperty("scalerValue").GetInt32()}, workers {decision.GetProperty("min").GetInt32()}..{max}");
Console.Write("waiting for it to be scaled to zero ");
var waitedFrom = Stopwatch.StartNew();
while ((await DecisionAsync()).GetProperty("actual").GetInt32() > 0 || await LiveWorkersAsync() > 0)
{
    if (waitedFrom.Elapsed > TimeSpan.FromMinutes(3))
    {
        Console.Error.WriteLine("\nit did not scale to zero within 3 minutes");
        return 1;
    }

    Console.Write('.');
    await Task.Delay(500);
}

Console.WriteLine($" ok ({waitedFrom.Elapsed.TotalSeconds:0} s)");
Console.WriteLine($"burst: {jobs} jobs, sleep_s {sleep.ToString(CultureInfo.InvariantCulture)}");
var clock = Stopwatch.StartNew();
var submitted = await Task.WhenAll(Enumerable.Range(0, jobs).Select(async i =>
{
    var sentAt = clock.Elapsed;
    var body = $$$"""{"input": {"echo": {{{i}}}, "sleep_s": {{{sleep.ToString(CultureInfo.InvariantCulture)}}}}}""";
    using var response = await http.PostAsync($"v2/{endpoint}/run", new StringContent(body, Encoding.UTF8, "application/json"));
    response.EnsureSuccessStatusCode();
    using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    return (Id: answer.RootElement.GetProperty("id").GetString()!, SentAt: sentAt);
}));
Console.WriteLine($"  submitted in {clock.Elapsed.TotalSeconds:0.00} s");

TimeSpan? firstWorker = null, allWorkers = null;
var pending = submitted.ToDictionary(s => s.Id, s => s.SentAt);
var started = new List<TimeSpan>();
while (pending.Count > 0)
{
    var live = await LiveWorkersAsync();
    firstWorker ??= live > 0 ? clock.Elapsed : null;
    allWorkers ??= live >= max ? clock.Elapsed : null;
    foreach (var (id, sentAt) in pending.ToList())
    {
        using var status = JsonDocument.Parse(await http.GetStringAsync($"v2/{endpoint}/status/{id}"));
        var state = status.RootElement.GetProperty("status").GetString();
        if (state is "COMPLETED" or "FAILED" or "CANCELLED" or "TIMED_OUT")
        {
            // delayTime is the job's own wait in the queue, so the start is exact, not a polling tick.
            started.Add(sentAt + TimeSpan.FromMilliseconds(status.RootElement.GetProperty("delayTime").GetInt64()));
            pending.Remove(id);
        }
    }

    if (clock.Elapsed > TimeSpan.FromMinutes(5))
    {
        Console.Error.WriteLine($"{pending.Count} jobs still unfinished after 5 minutes");
        return 1;
    }

    await Task.Delay(100);
}

var done = clock.Elapsed;
Console.WriteLine($"  cold start (burst -> first job started): {started.Min().TotalSeconds:0.00} s");
Console.WriteLine($"  first worker live (heartbeat seen):     {Seconds(firstWorker)}");
Console.WriteLine($"  max workers ({max}) live:                 {Seconds(allWorkers)}");
Console.WriteLine($"  all {jobs} jobs ended:                    {done.TotalSeconds:0.00} s");
Console.WriteLine(JsonSerializer.Serialize(new
{
    endpoint, jobs, sleepS = sleep, maxWorkers = max,
    coldStartS = Math.Round(started.Min().TotalSeconds, 2),
    toMaxWorkersS = allWorkers is { } m ? Math.Round(m.TotalSeconds, 2) : (double?)null,
    allDoneS = Math.Round(done.TotalSeconds, 2),
}));
return allWorkers is null ? 1 : 0;

async Task<JsonElement> DecisionAsync()
{
    using var document = JsonDocument.Parse(await scaler.GetStringAsync("decisions"));
    foreach (var d in document.RootElement.EnumerateArray())
    {
        if (d.GetProperty("endpoint").GetString() == endpoint)
        {
            return d.Clone();
        }
    }

    throw new InvalidOperationException($"the autoscaler at {autoscaler} does not scale endpoint {endpoint}");
}

async Task<int> LiveWorkersAsync()
{
    using var health = JsonDocument.Parse(await http.GetStringAsync($"v2/{endpoint}/health"));
    var workers = health.RootElement.GetProperty("workers");
    return workers.GetProperty("idle").GetInt32() + workers.GetProperty("running").GetInt32();
}

static string Seconds(TimeSpan? at) => at is { } t ? $"{t.TotalSeconds:0.00} s" : "never";
