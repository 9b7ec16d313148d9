using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Fleet.Autoscaler.Scaling;

namespace Fleet.Autoscaler.Telemetry;

/// <summary>
/// The autoscaler's figures: every pool's latest decision and inputs, and counts of what it did
/// (start, drain, restart, kill, adopt). Published through the <c>Fleet.Autoscaler</c> meter for any
/// OpenTelemetry or dotnet-counters listener, and as Prometheus text at <c>/metrics</c>.
/// </summary>
public sealed class AutoscalerTelemetry : IDisposable
{
    public const string MeterName = "Fleet.Autoscaler";

    private readonly ConcurrentDictionary<string, PoolReport> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Endpoint, string Pool, string Action), long> _events = new();
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _scaleEvents;
    private readonly List<(string Name, Func<PoolReport, double> Value)> _gauges = [];

    public AutoscalerTelemetry()
    {
        _scaleEvents = _meter.CreateCounter<long>("fleet.autoscaler.scale_events",
            description: "Workers started, drained, restarted, killed or adopted");
        Gauge("fleet.autoscaler.workers.desired", r => r.Desired, "Workers the policy wants");
        Gauge("fleet.autoscaler.workers.actual", r => r.Actual, "Workers the autoscaler runs, draining ones left out");
        Gauge("fleet.autoscaler.workers.live", r => r.LiveWorkers, "Workers alive by heartbeat");
        Gauge("fleet.autoscaler.queue.depth", r => r.BrokerDepth, "Messages ready and unacknowledged");
        Gauge("fleet.autoscaler.jobs.queued", r => r.Queued, "Normal jobs queued");
        Gauge("fleet.autoscaler.jobs.in_progress", r => r.InProgress, "Normal jobs in progress");
        Gauge("fleet.autoscaler.queue.oldest_age_seconds", r => r.OldestQueuedSeconds ?? 0, "Age of the oldest normal queued job");
    }

    public IReadOnlyList<PoolReport> Latest() => [.. _latest.Values.OrderBy(r => r.Endpoint, StringComparer.Ordinal).ThenBy(r => r.Pool,
        StringComparer.Ordinal)];

    /// <returns>The previous report of the pool, if any.</returns>
    public PoolReport? Record(PoolReport report)
    {
        PoolReport? previous = null;
        // The key is the pool's name (WorkerPool.ToString()), as Retain compares it.
        _latest.AddOrUpdate($"{report.Endpoint}/{report.Pool}", report, (_, old) =>
        {
            previous = old;
            return report;
        });
        return previous;
    }

    /// <summary>
    /// Forgets the pools that left the catalog: their latest decision at once, their counts of what was done once
    /// they have no worker left (so a deleted endpoint's drains stay visible until its workers are gone).
    /// </summary>
    public void Retain(IReadOnlyCollection<WorkerPool> pools, IEnumerable<WorkerPool> withWorkers)
    {
        var keep = pools.Concat(withWorkers).Select(p => (p.Endpoint.Id, p.Kind)).ToHashSet();
        var current = pools.Select(p => p.ToString()).ToHashSet(StringComparer.Ordinal);
        foreach (var key in _latest.Keys.Where(k => !current.Contains(k)))
        {
            _latest.TryRemove(key, out _);
        }

        foreach (var key in _events.Keys.Where(k => !keep.Contains((k.Endpoint, k.Pool))))
        {
            _events.TryRemove(key, out _);
        }
    }

    /// <param name="action"><c>start</c>, <c>drain</c>, <c>restart</c>, <c>kill</c> or <c>adopt</c>.</param>
    public void Count(WorkerPool pool, string action)
    {
        _events.AddOrUpdate((pool.Endpoint.Id, pool.Kind, action), 1, (_, n) => n + 1);
        _scaleEvents.Add(1, new("endpoint", pool.Endpoint.Id), new("pool", pool.Kind), new("action", action));
    }

    public long Events(string endpoint, string action) =>
        _events.Where(e => e.Key.Endpoint == endpoint && e.Key.Action == action).Sum(e => e.Value);

    /// <summary>The same figures in Prometheus' text format.</summary>
    public string ToPrometheusText()
    {
        var text = new StringBuilder();
        foreach (var (name, value) in _gauges)
        {
            var metric = Prometheus(name);
            text.Append(CultureInfo.InvariantCulture, $"# TYPE {metric} gauge\n");
            foreach (var report in Latest())
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"{metric}{{endpoint=\"{report.Endpoint}\",pool=\"{report.Pool}\"}} {value(report)}\n");
            }
        }

        var events = Prometheus("fleet.autoscaler.scale_events") + "_total";
        text.Append(CultureInfo.InvariantCulture, $"# TYPE {events} counter\n");
        foreach (var ((endpoint, pool, action), count) in _events.OrderBy(e => e.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"{events}{{endpoint=\"{endpoint}\",pool=\"{pool}\",action=\"{action}\"}} {count}\n");
        }

        return text.ToString();
    }

    public void Dispose() => _meter.Dispose();

    private void Gauge(string name, Func<PoolReport, double> value, string description)
    {
        _gauges.Add((name, value));
        _meter.CreateObservableGauge(name, () => Latest().Select(r =>
            new Measurement<double>(value(r), new("endpoint", r.Endpoint), new("pool", r.Pool))), description: description);
    }

    private static string Prometheus(string name) => name.Replace('.', '_');
}
