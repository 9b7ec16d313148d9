using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Fleet.IntegrationTests.Infrastructure;

/// <summary>A real autoscaler process and a client for its API (<c>/workers</c>, <c>/decisions</c>, <c>/metrics</c>).</summary>
public sealed partial class AutoscalerProcess(FleetProcess process, Uri baseAddress, string workerLogDirectory, string[] endpoints) : IDisposable
{
    private readonly HttpClient _client = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };

    public FleetProcess Process => process;

    public Uri BaseAddress => baseAddress;

    /// <summary>Where its workers' logs and pid files go; a successor started on it finds the workers left running.</summary>
    public string WorkerLogDirectory => workerLogDirectory;

    public IReadOnlyList<string> Endpoints => endpoints;

    /// <summary>
    /// The worker processes alive now (zombies left out) that an autoscaler on this log directory
    /// started, found through /proc: they inherit its <c>Autoscaler__WorkerLogDirectory</c> and carry a
    /// <c>Worker__Id</c>. Whatever the autoscaler believes, these are the processes that run.
    /// </summary>
    public IReadOnlyList<int> WorkerProcessIds(string endpoint)
    {
        var pids = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var environment = File.ReadAllText(Path.Combine(directory, "environ")).Split('\0');
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var state = stat[(stat.LastIndexOf(')') + 2)..][0];
                if (state != 'Z' && environment.Contains($"Autoscaler__WorkerLogDirectory={workerLogDirectory}")
                    && environment.Any(e => e.StartsWith($"Worker__Id={endpoint}-", StringComparison.Ordinal)))
                {
                    pids.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone between the listing and the read, or not ours to read.
            }
        }

        return pids;
    }

    public Task WaitUntilServingAsync() =>
        Eventually.True(async () =>
        {
            try
            {
                return (await _client.GetAsync("healthz")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), Tail);

    /// <summary>The workers it runs for the endpoint (state, pid, restarts), draining ones included.</summary>
    public async Task<IReadOnlyList<JsonElement>> WorkersAsync(string endpoint)
    {
        using var document = JsonDocument.Parse(await _client.GetStringAsync("workers"));
        return [.. document.RootElement.EnumerateArray().Where(w => w.GetProperty("endpoint").GetString() == endpoint).Select(w => w.Clone())];
    }

    /// <summary>Workers it runs for the endpoint that are not draining.</summary>
    public async Task<int> CountAsync(string endpoint) =>
        (await WorkersAsync(endpoint)).Count(w => w.GetProperty("state").GetString() != "Draining");

    /// <summary>The latest decision for the endpoint's own pool, with its inputs; null before the first tick.</summary>
    public async Task<JsonElement?> DecisionAsync(string endpoint)
    {
        using var document = JsonDocument.Parse(await _client.GetStringAsync("decisions"));
        return document.RootElement.EnumerateArray()
            .Where(d => d.GetProperty("endpoint").GetString() == endpoint)
            .Select(d => (JsonElement?)d.Clone())
            .FirstOrDefault();
    }

    /// <summary>The scale-event counter (start, drain, restart, kill, adopt) from <c>/metrics</c>.</summary>
    public async Task<long> EventsAsync(string endpoint, string action)
    {
        var text = await _client.GetStringAsync("metrics");
        return EventLine().Matches(text)
            .Where(m => m.Groups["endpoint"].Value == endpoint && m.Groups["action"].Value == action)
            .Sum(m => long.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The autoscaler's output and the end of every worker log, to explain a failure.</summary>
    public string Tail() =>
        process.Tail(60) + string.Concat(Directory.EnumerateFiles(workerLogDirectory, "*.log")
            .Select(f => $"\n--- {Path.GetFileName(f)} ---\n" + string.Join('\n', File.ReadLines(f).TakeLast(15))));

    /// <summary>Kills it and, with it, every worker it started or took over from a killed predecessor.</summary>
    public void Dispose()
    {
        _client.Dispose();
        process.Dispose();
        // Workers it took over are not its children, so the process-tree kill misses them.
        foreach (var pid in endpoints.SelectMany(WorkerProcessIds))
        {
            try
            {
                using var worker = System.Diagnostics.Process.GetProcessById(pid);
                worker.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    [GeneratedRegex(@"^fleet_autoscaler_scale_events_total\{endpoint=""(?<endpoint>[^""]+)"",pool=""[^""]+"",action=""(?<action>[^""]+)""\} (?<count>\d+)$", RegexOptions.Multiline)]
    private static partial Regex EventLine();
}
