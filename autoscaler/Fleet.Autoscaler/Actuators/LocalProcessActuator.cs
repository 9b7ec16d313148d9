using System.Diagnostics;
using Fleet.Autoscaler.Scaling;
using Fleet.Autoscaler.Telemetry;
using Fleet.Contracts;
using Microsoft.Extensions.Options;

namespace Fleet.Autoscaler.Actuators;

/// <summary>
/// Runs workers as local processes (<c>dotnet Fleet.Worker.*.dll</c>), the default actuator. Each
/// worker inherits the autoscaler's environment (broker address, endpoints file, <c>Gpu__*</c>), less
/// its database connection, with the workers' broker user and heartbeat key instead of its own
/// credentials, plus its id, its one endpoint and, for a CPU-fallback pool, <c>Worker__Hardware=Cpu</c>. Its
/// output goes straight to <c>{WorkerLogDirectory}/{id}.log</c>, so the log outlives the
/// autoscaler. A worker that exits without being asked is restarted with exponential backoff.
/// Drain is SIGTERM; SIGKILL is kept for a worker that outlives its drain limit.
/// </summary>
public sealed class LocalProcessActuator : IWorkerActuator, IDisposable
{
    private readonly AutoscalerOptions _options;
    private readonly AutoscalerTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalProcessActuator> _log;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _lastNumber = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _logDirectory;

    public LocalProcessActuator(IOptions<AutoscalerOptions> options, AutoscalerTelemetry telemetry, TimeProvider time, ILogger<LocalProcessActuator> log)
    {
        _options = options.Value;
        _telemetry = telemetry;
        _time = time;
        _log = log;
        _logDirectory = Path.GetFullPath(_options.WorkerLogDirectory);
        Directory.CreateDirectory(_logDirectory);
        StopLeftovers();
    }

    public IReadOnlyList<OwnedWorker> Owned()
    {
        lock (_lock)
        {
            return [.. _slots.Values.Select(s => new OwnedWorker(s.Id, s.Pool, s.State, s.StartedAt, s.Process?.Id, s.Restarts, s.LogFile))];
        }
    }

    public void Start(WorkerPool pool)
    {
        lock (_lock)
        {
            var number = _lastNumber[pool.ToString()] = _lastNumber.GetValueOrDefault(pool.ToString()) + 1;
            var id = $"{pool.Endpoint.Id}-{pool.Kind}-{number}";
            var slot = new Slot(id, pool, Path.Combine(_logDirectory, id + ".log"));
            _slots[id] = slot;
            Launch(slot);
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

            if (slot.State == OwnedWorkerState.Restarting)
            {
                _slots.Remove(workerId);
                _log.LogInformation("Worker {WorkerId} is no longer wanted: not restarted", workerId);
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
                if (slot.State == OwnedWorkerState.Restarting)
                {
                    _slots.Remove(slot.Id);
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
                    _log.LogError("Worker {WorkerId} still runs after the shutdown wait of {Timeout}; killing it (its jobs go back to the queue)", slot.Id, _options.ShutdownTimeout);
                    slot.Process!.Kill(entireProcessTree: true);
                }
            }
        }
    }

    private void Launch(Slot slot)
    {
        var program = slot.Pool.Endpoint.Hardware == Hardware.Gpu ? _options.GpuWorkerPath : _options.CpuWorkerPath;
        if (string.IsNullOrEmpty(program) || !File.Exists(program))
        {
            throw new InvalidOperationException(
                $"Autoscaler:{(slot.Pool.Endpoint.Hardware == Hardware.Gpu ? "GpuWorkerPath" : "CpuWorkerPath")} must name the built worker program (is: '{program}').");
        }

        var now = _time.GetUtcNow();
        File.AppendAllText(slot.LogFile, $"--- {now:O} autoscaler starts {slot.Id} for {slot.Pool} (restarts so far: {slot.Restarts}) ---\n");
        // The shell only redirects and execs: the pid is the worker's own, and its output goes to
        // the file directly, not through a pipe that would break if the autoscaler died.
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(program))!,
        };
        foreach (var argument in new[] { "-c", "exec \"$0\" \"$1\" >>\"$2\" 2>&1", _options.DotnetPath, Path.GetFullPath(program), slot.LogFile })
        {
            start.ArgumentList.Add(argument);
        }

        // Other Worker__ settings (heartbeat interval) pass through; these three are the pool's.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Worker__Endpoints__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment.Remove("Worker__Hardware");
        // Least privilege: a worker needs no database, and the autoscaler's broker user may only
        // read the management API.
        start.Environment.Remove(FleetSettings.EnvironmentVariable(FleetSettings.ConnectionString));
        start.Environment[FleetSettings.EnvironmentVariable(FleetSettings.RabbitMqUsername)] = _options.WorkerRabbitMqUsername;
        start.Environment[FleetSettings.EnvironmentVariable(FleetSettings.RabbitMqPassword)] = _options.WorkerRabbitMqPassword;
        start.Environment[FleetSettings.EnvironmentVariable(FleetSettings.WorkerKey)] = _options.WorkerKey;
        start.Environment["Worker__Id"] = slot.Id;
        start.Environment["Worker__Endpoints__0"] = slot.Pool.Endpoint.Id;
        if (slot.Pool.IsCpuFallback)
        {
            start.Environment["Worker__Hardware"] = nameof(Hardware.Cpu);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.Exited += (_, _) => OnExited(slot, process);
        process.Start();
        slot.Process = process;
        slot.StartedAt = now;
        slot.State = OwnedWorkerState.Running;
        File.WriteAllText(PidFile(slot.Id), process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _log.LogInformation("Worker {WorkerId} started for {Pool} (pid {Pid}, log {LogFile})", slot.Id, slot.Pool, process.Id, slot.LogFile);
    }

    private void OnExited(Slot slot, Process process)
    {
        lock (_lock)
        {
            if (slot.Process != process)
            {
                return;
            }

            var code = process.ExitCode;
            var ran = _time.GetUtcNow() - slot.StartedAt;
            slot.Process = null;
            File.Delete(PidFile(slot.Id));
            if (slot.State == OwnedWorkerState.Draining || _stopping.IsCancellationRequested)
            {
                _slots.Remove(slot.Id);
                slot.Exited.TrySetResult();
                _log.LogInformation("Worker {WorkerId} drained and exited with code {Code}", slot.Id, code);
                return;
            }

            slot.CrashesInARow = ran >= _options.StableAfter ? 1 : slot.CrashesInARow + 1;
            var delay = TimeSpan.FromTicks(Math.Min(
                _options.MaxRestartDelay.Ticks, _options.RestartDelay.Ticks * (1L << Math.Min(slot.CrashesInARow - 1, 20))));
            slot.State = OwnedWorkerState.Restarting;
            _log.LogWarning("Worker {WorkerId} exited with code {Code} after {Seconds:0.0} s without being asked to; restarting it in {Delay} (crash {Crashes} in a row, log {LogFile})",
                slot.Id, code, ran.TotalSeconds, delay, slot.CrashesInARow, slot.LogFile);
            _ = RestartLaterAsync(slot, delay);
        }
    }

    private async Task RestartLaterAsync(Slot slot, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_lock)
        {
            // Drained (not wanted any more) while it waited: nothing to restart.
            if (slot.State != OwnedWorkerState.Restarting || !_slots.ContainsKey(slot.Id))
            {
                return;
            }

            slot.Restarts++;
            try
            {
                Launch(slot);
            }
            catch (Exception e)
            {
                _log.LogError("Worker {WorkerId} could not be restarted: {Error}", slot.Id, e.Message);
                _slots.Remove(slot.Id);
                return;
            }
        }

        _telemetry.Count(slot.Pool, "restart");
    }

    private async Task KillIfOverdueAsync(Slot slot, TimeSpan limit)
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

    private void Terminate(Slot slot)
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

    /// <summary>
    /// Workers of an earlier autoscaler that was killed outright still run; ask them to drain, so
    /// that their ids are free and no unowned worker lingers. A pid file counts only if that process
    /// still carries the worker's id in its environment (pids get reused).
    /// </summary>
    private void StopLeftovers()
    {
        foreach (var file in Directory.EnumerateFiles(_logDirectory, "*.pid"))
        {
            var id = Path.GetFileNameWithoutExtension(file);
            if (int.TryParse(File.ReadAllText(file).Trim(), out var pid)
                && File.Exists($"/proc/{pid}/environ")
                && File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains($"Worker__Id={id}")
                && PosixSignals.Terminate(pid))
            {
                _log.LogWarning("Worker {WorkerId} (pid {Pid}) was left running by an earlier autoscaler; asked it to drain", id, pid);
            }

            File.Delete(file);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private string PidFile(string id) => Path.Combine(_logDirectory, id + ".pid");

    private sealed class Slot(string id, WorkerPool pool, string logFile)
    {
        public string Id { get; } = id;

        public WorkerPool Pool { get; } = pool;

        public string LogFile { get; } = logFile;

        public Process? Process { get; set; }

        public OwnedWorkerState State { get; set; }

        public DateTimeOffset StartedAt { get; set; }

        public int Restarts { get; set; }

        public int CrashesInARow { get; set; }

        /// <summary>Completes when the worker has exited for good (drained).</summary>
        public TaskCompletionSource Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
