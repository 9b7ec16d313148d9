using Fleet.Autoscaler.Actuators;
using Fleet.Autoscaler.Scaling;
using Fleet.Autoscaler.Signals;
using Fleet.Autoscaler.Telemetry;
using Fleet.Catalog;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.Autoscaler;

/// <summary>
/// About every second: take the pools from the endpoint catalog (the <c>endpoints</c> table, kept current by
/// <see cref="CatalogWatch"/>), read the signals of every pool, decide, act, and log each decision with its inputs
/// (Information when it changes something, Debug otherwise). Workers of a pool that left the catalog are drained.
/// When the autoscaler stops, its workers are drained.
/// </summary>
public sealed class AutoscalerLoop(
    EndpointCatalog catalog,
    CatalogWatch watch,
    ScalingSignalReader signals,
    IWorkerActuator actuator,
    AutoscalerTelemetry telemetry,
    IOptions<AutoscalerOptions> options,
    TimeProvider time,
    ILogger<AutoscalerLoop> log) : BackgroundService
{
    private readonly HashSet<WorkerPool> _unstartable = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The table, before adopting: leftovers of an endpoint that was deleted meanwhile are drained, not owned.
        await LoadCatalogAsync(stoppingToken);
        var pools = ManagedPools();
        // Before the first decision, or a second set of workers would start beside those a killed
        // predecessor left running.
        actuator.Adopt(pools);
        var missing = options.Value.Endpoints.Where(id => !catalog.TryGet(id, out _)).ToList();
        log.LogInformation("Autoscaling {Pools} every {Interval}{Missing}", string.Join(", ", pools), options.Value.Interval,
            missing.Count == 0 ? "" : $"; not in the catalog yet, scaled once created: {string.Join(", ", missing)}");
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                await TickAsync(ManagedPools(), stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                // Without the job table nothing is known: change nothing rather than scale blind.
                log.LogWarning("Signals unavailable, no decision this tick: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await actuator.StopAllAsync(cancellationToken);
    }

    /// <summary>Reads the catalog, waiting for the gateway to create the table (its migrations) if it has not yet.</summary>
    private async Task LoadCatalogAsync(CancellationToken cancellationToken)
    {
        for (var failures = 0; ; failures++)
        {
            try
            {
                await watch.LoadAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                if (failures % 30 == 0)
                {
                    log.LogWarning("The endpoint catalog cannot be read yet ({Error}); trying again every second", e.Message);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }
    }

    private async Task TickAsync(IReadOnlyList<WorkerPool> pools, CancellationToken cancellationToken)
    {
        var snapshot = await signals.ReadAsync(pools, cancellationToken);
        // An adopted worker may have been asked to drain by the predecessor (a heartbeat of its
        // process says stopping): it stays draining, uncounted, and is not restarted when it exits.
        var now = time.GetUtcNow();
        foreach (var worker in actuator.Owned().Where(w => w.Adopted && w.State == OwnedWorkerState.Running
            && snapshot.Workers.TryGetValue(w.Id, out var row) && row.Stopping && row.SeenSecondsAgo < (now - w.StartedAt).TotalSeconds))
        {
            actuator.Drain(worker.Id);
        }

        actuator.Update(pools);
        var owned = actuator.Owned();
        foreach (var worker in owned.Where(w => w.State != OwnedWorkerState.Draining && !pools.Contains(w.Pool)))
        {
            log.LogInformation("Worker {WorkerId} serves {Pool}, no longer in the catalog (deleted, or not scaled here): draining it",
                worker.Id, worker.Pool);
            actuator.Drain(worker.Id);
        }

        telemetry.Retain(pools, owned.Select(w => w.Pool));
        foreach (var pool in pools)
        {
            Decide(pool, snapshot, owned.Where(w => w.Pool.Equals(pool)), now);
        }
    }

    private void Decide(WorkerPool pool, ScalingSnapshot snapshot, IEnumerable<OwnedWorker> owned, DateTimeOffset now)
    {
        var inputs = snapshot.Pools.GetValueOrDefault(pool, PoolSignals.None);
        List<PoolWorker> workers = [.. owned.Select(w => Describe(w, snapshot.Workers, now))];
        foreach (var ready in workers.Where(w => w.State == PoolWorkerState.Ready))
        {
            actuator.Ready(ready.Id);
        }

        var decision = ScalingPolicy.Decide(pool, inputs, workers);
        if (decision.ToStart > 0 && actuator.CannotStart(pool) is { } problem)
        {
            decision = decision with { ToStart = 0, Reason = $"{decision.Reason}; cannot start workers: {problem}" };
            if (_unstartable.Add(pool))
            {
                log.LogError("{Pool}: no worker can be started: {Problem}", pool, problem);
            }
        }

        var report = new PoolReport(pool.Endpoint.Id, pool.Kind, pool.Queue, pool.Version, pool.Endpoint.ScalerType,
            pool.Endpoint.ScalerValue, pool.Min, pool.Max, inputs.Queued, inputs.InProgress, inputs.BrokerDepth, inputs.OldestQueuedSeconds,
            inputs.LowPriorityQueued, inputs.LiveWorkers, decision.Actual, decision.Desired, decision.Reason, now);
        var previous = telemetry.Record(report);
        var acts = decision.ToStart > 0 || decision.ToDrain.Count > 0;
        var level = acts || previous is null || previous.Desired != report.Desired || previous.Actual != report.Actual
            || previous.Version != report.Version
            ? LogLevel.Information
            : LogLevel.Debug;
        log.Log(level,
            "{Pool}: depth {Depth}, queued {Queued}, oldest {Delay:0.0} s, in progress {InProgress}, low priority {LowPriority}, " +
            "live {Live}; version {Version}, desired {Desired}, actual {Actual}; start {Start}, drain [{Drain}]: {Reason}",
            pool, inputs.BrokerDepth, inputs.Queued, inputs.OldestQueuedSeconds ?? 0, inputs.InProgress, inputs.LowPriorityQueued,
            inputs.LiveWorkers, pool.Version, decision.Desired, decision.Actual, decision.ToStart, string.Join(", ", decision.ToDrain),
            decision.Reason);

        for (var i = 0; i < decision.ToStart; i++)
        {
            actuator.Start(pool);
        }

        foreach (var id in decision.ToDrain)
        {
            actuator.Drain(id);
        }
    }

    /// <summary>
    /// An owned worker as the policy sees it. It is ready once a heartbeat newer than its process
    /// has been recorded (both ages are durations, so the database clock and ours need not agree).
    /// </summary>
    private static PoolWorker Describe(OwnedWorker worker, IReadOnlyDictionary<string, LiveWorkerRow> live, DateTimeOffset now) =>
        worker.State switch
        {
            OwnedWorkerState.Draining => new(worker.Id, PoolWorkerState.Draining, 0, null, worker.Version),
            OwnedWorkerState.Restarting => new(worker.Id, PoolWorkerState.Restarting, 0, null, worker.Version),
            _ when live.TryGetValue(worker.Id, out var row) && !row.Stopping && row.SeenSecondsAgo < (now - worker.StartedAt).TotalSeconds
                => new(worker.Id, PoolWorkerState.Ready, row.Running, row.Running == 0 ? row.IdleSeconds : null, worker.Version),
            _ => new(worker.Id, PoolWorkerState.Starting, 0, null, worker.Version),
        };

    /// <summary>The pools of the catalog's endpoints (those of <c>Autoscaler:Endpoints</c> when it names any).</summary>
    private List<WorkerPool> ManagedPools()
    {
        var wanted = options.Value.Endpoints;
        return [.. catalog.All.Where(e => wanted.Count == 0 || wanted.Contains(e.Id)).SelectMany(WorkerPool.Of)];
    }
}
