using System.Diagnostics;
using System.Globalization;
using Fleet.Autoscaler.Packages;
using Fleet.Autoscaler.Reports;
using Fleet.Autoscaler.Scaling;
using Fleet.Autoscaler.Telemetry;
using Microsoft.Extensions.Options;

namespace Fleet.Autoscaler.Actuators;

/// <summary>
/// Runs workers as local processes (<c>dotnet Fleet.Worker.*.dll</c>), the default actuator. Each worker gets its
/// endpoint's definition from the autoscaler, never from the database: an endpoints file of its own
/// (<see cref="WorkerFiles"/>), and the endpoint's env (<see cref="WorkerCommand"/>). Its output goes straight to
/// <c>{WorkerLogDirectory}/{id}.log</c>, so the log outlives the autoscaler. A worker that exits without being asked
/// is restarted with exponential backoff. Drain is SIGTERM; SIGKILL is kept for a worker that outlives its drain
/// limit. A pid file beside the log lets a successor take the worker over if the autoscaler is killed. A worker that
/// exits before it is ready is a failed start (<see cref="StartFailureReports"/>): past the limit it is not restarted.
/// </summary>
public sealed partial class LocalProcessActuator : IWorkerActuator, IDisposable
{
    private readonly AutoscalerOptions _options;
    private readonly AutoscalerTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalProcessActuator> _log;
    private readonly PackageCache _packages;
    private readonly StartFailureReports _reports;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, WorkerSlot> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _lastNumber = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _logDirectory;

    public LocalProcessActuator(IOptions<AutoscalerOptions> options, AutoscalerTelemetry telemetry, TimeProvider time,
        ILogger<LocalProcessActuator> log, PackageCache packages, StartFailureReports reports)
    {
        _packages = packages;
        _reports = reports;
        _options = options.Value;
        _telemetry = telemetry;
        _time = time;
        _log = log;
        _logDirectory = Path.GetFullPath(_options.WorkerLogDirectory);
        Directory.CreateDirectory(_logDirectory);
    }

    public IReadOnlyList<OwnedWorker> Owned()
    {
        lock (_lock)
        {
            return [.. _slots.Values.Select(s => s.ToOwned())];
        }
    }

    public void Adopt(IReadOnlyList<WorkerPool> pools)
    {
        foreach (var leftover in LeftoverWorkers.Find(_logDirectory, pools, _log))
        {
            var slot = leftover.ToSlot(_logDirectory);
            // Started by the predecessor: whether it ever failed to start is not ours to count.
            slot.Ready = true;
            lock (_lock)
            {
                _slots[slot.Id] = slot;
                _lastNumber[slot.Pool.ToString()] = Math.Max(_lastNumber.GetValueOrDefault(slot.Pool.ToString()), leftover.Number);
            }

            _ = WatchAdoptedAsync(slot, leftover.Process, leftover.StartTicks);
            _log.LogWarning(
                "Worker {WorkerId} (pid {Pid}, version {Version}) was left running by an earlier autoscaler; it is owned again, in {Pool}",
                slot.Id, leftover.Process.Id, slot.Version, slot.Pool);
            _telemetry.Count(slot.Pool, "adopt");
        }
    }

    public void Update(IReadOnlyList<WorkerPool> pools)
    {
        lock (_lock)
        {
            foreach (var slot in _slots.Values)
            {
                if (pools.FirstOrDefault(p => p.Equals(slot.Pool)) is { } current && current.Version == slot.Version)
                {
                    slot.Pool = current;
                }
            }
        }

        // Every tick, wanted or not: a trip the catalog shows and then no longer shows (a reset) is seen either way.
        foreach (var pool in pools)
        {
            _reports.Blocked(pool.Endpoint);
        }

        PrunePackages(pools);
    }

    public string? CannotStart(WorkerPool pool) => _reports.Blocked(pool.Endpoint) ?? WorkerCommand.ProgramProblem(_options, pool);

    public void Start(WorkerPool pool)
    {
        lock (_lock)
        {
            var number = _lastNumber[pool.ToString()] = _lastNumber.GetValueOrDefault(pool.ToString()) + 1;
            var id = WorkerSlot.IdPrefix(pool) + number.ToString(CultureInfo.InvariantCulture);
            var slot = new WorkerSlot(id, pool, WorkerFiles.Of(_logDirectory, id));
            _slots[id] = slot;
            BeginLaunch(slot);
        }

        _telemetry.Count(pool, "start");
    }

    public void Drain(string workerId)
    {
        WorkerPool pool;
        lock (_lock)
        {
            if (!_slots.TryGetValue(workerId, out var slot))
            {
                return;
            }

            pool = slot.Pool;

            if (slot.State is OwnedWorkerState.Restarting or OwnedWorkerState.Fetching)
            {
                _slots.Remove(workerId);
                slot.State = OwnedWorkerState.Draining;
                _log.LogInformation("Worker {WorkerId} is no longer wanted: not (re)started", workerId);
            }
            else if (slot.State == OwnedWorkerState.Running)
            {
                Terminate(slot);
                var limit = TimeSpan.FromMilliseconds(slot.Pool.Endpoint.ExecutionTimeoutMs) + _options.DrainMargin;
                _ = KillIfOverdueAsync(slot, limit);
            }
            else
            {
                return;
            }
        }

        _telemetry.Count(pool, "drain");
    }

    public async Task StopAllAsync(CancellationToken cancellationToken)
    {
        List<Task> exits;
        lock (_lock)
        {
            _stopping.Cancel();
            foreach (var slot in _slots.Values.ToList())
            {
                if (slot.State is OwnedWorkerState.Restarting or OwnedWorkerState.Fetching)
                {
                    _slots.Remove(slot.Id);
                    slot.State = OwnedWorkerState.Draining;
                }
                else if (slot.State == OwnedWorkerState.Running)
                {
                    Terminate(slot);
                }
            }

            exits = [.. _slots.Values.Select(s => s.Exited.Task)];
        }

        _log.LogInformation("Draining {Count} workers before the autoscaler stops", exits.Count);
        try
        {
            await Task.WhenAll(exits).WaitAsync(_options.ShutdownTimeout, _time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_lock)
            {
                foreach (var slot in _slots.Values.Where(s => s.Process is { HasExited: false }))
                {
                    _log.LogError(
                        "Worker {WorkerId} still runs after the shutdown wait of {Timeout}; killing it (its jobs go back to the queue)",
                        slot.Id, _options.ShutdownTimeout);
                    slot.Process!.Kill(entireProcessTree: true);
                }
            }
        }
    }

    private void OnExited(WorkerSlot slot, Process process)
    {
        lock (_lock)
        {
            if (slot.Process != process)
            {
                return;
            }

            // An adopted process is not our child: the kernel tells its exit code to someone else.
            var code = slot.Adopted ? "unknown" : process.ExitCode.ToString(CultureInfo.InvariantCulture);
            var ran = _time.GetUtcNow() - slot.StartedAt;
            slot.Process = null;
            slot.Files.DeleteRunFiles();
            if (slot.State == OwnedWorkerState.Draining || _stopping.IsCancellationRequested)
            {
                _slots.Remove(slot.Id);
                slot.Exited.TrySetResult();
                _log.LogInformation("Worker {WorkerId} drained and exited with code {Code}", slot.Id, code);
                return;
            }

            if (!slot.Ready && FailedStart(slot, $"exited with code {code} after {ran.TotalSeconds:0.0} s, before it was ready"))
            {
                return;
            }

            var delay = slot.CrashedAfter(ran, _options);
            slot.State = OwnedWorkerState.Restarting;
            _log.LogWarning(
                "Worker {WorkerId} exited with code {Code} after {Seconds:0.0} s without being asked to; restarting it in {Delay} " +
                "(crash {Crashes} in a row, log {LogFile})",
                slot.Id, code, ran.TotalSeconds, delay, slot.CrashesInARow, slot.Files.Log);
            _ = RestartLaterAsync(slot, delay);
        }
    }

    private async Task KillIfOverdueAsync(WorkerSlot slot, TimeSpan limit)
    {
        try
        {
            await slot.Exited.Task.WaitAsync(limit, _time);
        }
        catch (TimeoutException)
        {
            lock (_lock)
            {
                if (slot.Process is not { HasExited: false } process)
                {
                    return;
                }

                // Past the endpoint's execution timeout plus a margin its job has timed out anyway.
                _log.LogError("Worker {WorkerId} still runs {Limit} after it was asked to drain; killing it", slot.Id, limit);
                process.Kill(entireProcessTree: true);
            }

            _telemetry.Count(slot.Pool, "kill");
        }
    }

    /// <summary>
    /// Its parent is gone, so no SIGCHLD tells us of an adopted worker's exit: watch /proc until its
    /// process is gone, then handle it like any worker's exit.
    /// </summary>
    private async Task WatchAdoptedAsync(WorkerSlot slot, Process process, long startTicks)
    {
        await ProcFs.ExitedAsync(process.Id, startTicks, _time);
        OnExited(slot, process);
    }

    private void Terminate(WorkerSlot slot)
    {
        slot.State = OwnedWorkerState.Draining;
        if (slot.Process is { } process && !PosixSignals.Terminate(process.Id))
        {
            _log.LogWarning("Worker {WorkerId} (pid {Pid}) was already gone when asked to drain", slot.Id, process.Id);
        }
        else
        {
            _log.LogInformation("Worker {WorkerId} asked to drain (SIGTERM): it finishes what it runs and exits", slot.Id);
        }
    }

    public void Dispose() => _stopping.Dispose();
}
