using Fleet.Autoscaler.Actuators;
using Fleet.Autoscaler.Scaling;
using Fleet.Autoscaler.Signals;
using Fleet.Autoscaler.Telemetry;
using Fleet.Contracts;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.Autoscaler;

/// <summary>
/// About every second: read the signals of every pool, decide, act, and log each decision with
/// its inputs (Information when it changes something, Debug otherwise). When the autoscaler stops,
/// its workers are drained.
/// </summary>
public sealed class AutoscalerLoop(
    EndpointCatalog catalog,
    ScalingSignalReader signals,
    IWorkerActuator actuator,
    AutoscalerTelemetry telemetry,
    IOptions<AutoscalerOptions> options,
    TimeProvider time,
    ILogger<AutoscalerLoop> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pools = ManagedPools();
        // Before the first decision, or a second set of workers would start beside those a killed
        // predecessor left running.
        actuator.Adopt(pools);
        log.LogInformation("Autoscaling {Pools} every {Interval}", string.Join(", ", pools), options.Value.Interval);
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                await TickAsync(pools, stoppingToken);
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

        var owned = actuator.Owned();
        foreach (var pool in pools)
        {
            var inputs = snapshot.Pools.GetValueOrDefault(pool, PoolSignals.None);
            var workers = owned.Where(w => w.Pool == pool).Select(w => Describe(w, snapshot.Workers, now)).ToList();
            var decision = ScalingPolicy.Decide(pool, inputs, workers);
            var report = new PoolReport(pool.Endpoint.Id, pool.Kind, pool.Queue, pool.Endpoint.ScalerType, pool.Endpoint.ScalerValue,
                pool.Min, pool.Max, inputs.Queued, inputs.InProgress, inputs.BrokerDepth, inputs.OldestQueuedSeconds,
                inputs.LowPriorityQueued, inputs.LiveWorkers, decision.Actual, decision.Desired, decision.Reason, now);
            var previous = telemetry.Record(report);
            var acts = decision.ToStart > 0 || decision.ToDrain.Count > 0;
            var level = acts || previous is null || previous.Desired != report.Desired || previous.Actual != report.Actual
                ? LogLevel.Information
                : LogLevel.Debug;
            log.Log(level,
                "{Pool}: depth {Depth}, queued {Queued}, oldest {Delay:0.0} s, in progress {InProgress}, low priority {LowPriority}, " +
                "live {Live}; desired {Desired}, actual {Actual}; start {Start}, drain [{Drain}]: {Reason}",
                pool, inputs.BrokerDepth, inputs.Queued, inputs.OldestQueuedSeconds ?? 0, inputs.InProgress, inputs.LowPriorityQueued,
                inputs.LiveWorkers, decision.Desired, decision.Actual, decision.ToStart, string.Join(", ", decision.ToDrain),
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
    }

    /// <summary>
    /// An owned worker as the policy sees it. It is ready once a heartbeat newer than its process
    /// has been recorded (both ages are durations, so the database clock and ours need not agree).
    /// </summary>
    private static PoolWorker Describe(OwnedWorker worker, IReadOnlyDictionary<string, LiveWorkerRow> live, DateTimeOffset now) =>
        worker.State switch
        {
            OwnedWorkerState.Draining => new(worker.Id, PoolWorkerState.Draining, 0, null),
            OwnedWorkerState.Restarting => new(worker.Id, PoolWorkerState.Restarting, 0, null),
            _ when live.TryGetValue(worker.Id, out var row) && !row.Stopping && row.SeenSecondsAgo < (now - worker.StartedAt).TotalSeconds
                => new(worker.Id, PoolWorkerState.Ready, row.Running, row.Running == 0 ? row.IdleSeconds : null),
            _ => new(worker.Id, PoolWorkerState.Starting, 0, null),
        };

    private List<WorkerPool> ManagedPools()
    {
        var wanted = options.Value.Endpoints;
        foreach (var id in wanted.Where(id => !catalog.TryGet(id, out _)))
        {
            throw new InvalidOperationException($"Autoscaler:Endpoints names '{id}', which is not a configured endpoint.");
        }

        var pools = catalog.All.Where(e => wanted.Count == 0 || wanted.Contains(e.Id)).SelectMany(WorkerPool.Of).ToList();
        foreach (var (hardware, path, key) in new[] { (Hardware.Cpu, options.Value.CpuWorkerPath, "CpuWorkerPath"), (Hardware.Gpu,
            options.Value.GpuWorkerPath, "GpuWorkerPath") })
        {
            if (pools.Any(p => p.Endpoint.Hardware == hardware) && (string.IsNullOrEmpty(path) || !File.Exists(path)))
            {
                throw new InvalidOperationException(
                    $"Autoscaler:{key} must name the built worker program for {hardware} endpoints (is: '{path}').");
            }
        }

        return pools;
    }
}
