using Fleet.Autoscaler.Packages;
using Fleet.Autoscaler.Scaling;

namespace Fleet.Autoscaler.Actuators;

/// <summary>
/// How <see cref="LocalProcessActuator"/> starts a worker's process: Fleet's own program at once; a package's program once
/// the package is here (fetched off the scaling loop, so one slow download holds up no other endpoint). What fails before
/// the worker is ready counts against its endpoint version.
/// </summary>
public sealed partial class LocalProcessActuator
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);
    private long _lastPrune;
    private int _pruning;

    /// <summary>The loop saw the worker's heartbeat: from now on its exit is no failed start.</summary>
    public void Ready(string workerId)
    {
        lock (_lock)
        {
            if (_slots.TryGetValue(workerId, out var slot) && slot.State == OwnedWorkerState.Running && !slot.Ready)
            {
                slot.Ready = true;
                _reports.Ready(slot.Pool.Endpoint.Id, slot.Version);
            }
        }
    }

    /// <summary>Starts the slot's process, or first fetches its package. Called under the lock.</summary>
    private void BeginLaunch(WorkerSlot slot)
    {
        if (slot.Pool.Endpoint.Package is null)
        {
            Launch(slot);
            return;
        }

        slot.State = OwnedWorkerState.Fetching;
        slot.StartedAt = _time.GetUtcNow();
        _ = FetchThenLaunchAsync(slot, slot.Pool.Endpoint.Package);
    }

    private async Task FetchThenLaunchAsync(WorkerSlot slot, string sha256)
    {
        string program;
        try
        {
            program = PackageEntry.Find(await _packages.FolderAsync(sha256, _stopping.Token));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            // Whatever went wrong, the slot must not stay Fetching: it would count as a starting worker for ever.
            lock (_lock)
            {
                if (slot.State == OwnedWorkerState.Fetching && _slots.ContainsKey(slot.Id))
                {
                    File.AppendAllText(slot.Files.Log, $"{WorkerLogTail.StartMarker}{_time.GetUtcNow():O} autoscaler could not start " +
                        $"{slot.Id}: package {sha256}: {e.Message} ---\n");
                    slot.Version = slot.Pool.Version;
                    FailedStart(slot, $"package {sha256}: {e.Message}", withLog: false);
                }
            }

            return;
        }

        lock (_lock)
        {
            // Drained (no longer wanted) while its package came.
            if (slot.State != OwnedWorkerState.Fetching || !_slots.ContainsKey(slot.Id))
            {
                return;
            }

            slot.PackageProgram = program;
            try
            {
                Launch(slot);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                FailedStart(slot, $"its process could not be started: {e.Message}", withLog: false);
            }
        }
    }

    private void Launch(WorkerSlot slot)
    {
        var now = _time.GetUtcNow();
        var process = WorkerCommand.Start(_options, slot, now, _log, OnExited);
        slot.Process = process;
        slot.Adopted = false;
        slot.Ready = false;
        slot.StartedAt = now;
        slot.State = OwnedWorkerState.Running;
        _log.LogInformation("Worker {WorkerId} started for {Pool} version {Version} (pid {Pid}, log {LogFile})", slot.Id, slot.Pool,
            slot.Version, process.Id, slot.Files.Log);
    }

    /// <summary>
    /// Counts a start of the slot's version that failed before the worker was ready, with the end of its log as the
    /// error; true when no more may start (the slot is then given up, not restarted). Called under the lock.
    /// </summary>
    private bool FailedStart(WorkerSlot slot, string what, bool withLog = true)
    {
        var error = $"worker {slot.Id}: {what}" + (withLog ? ":\n" + WorkerLogTail.Read(slot.Files.Log) : "");
        _reports.Failed(slot.Pool.Endpoint.Id, slot.Version,
            error.Length <= WorkerLogTail.MaxBytes ? error : error[^WorkerLogTail.MaxBytes..]);
        _telemetry.Count(slot.Pool, "failed-start");
        if (withLog && _reports.Blocked(slot.Pool.Endpoint) is null)
        {
            return false;
        }

        // A fetch that failed leaves nothing to restart: the loop starts a new worker if one is still wanted and allowed.
        _slots.Remove(slot.Id);
        slot.State = OwnedWorkerState.Draining;
        slot.Exited.TrySetResult();
        return true;
    }

    private async Task RestartLaterAsync(WorkerSlot slot, TimeSpan delay)
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

            if (_reports.Blocked(slot.Pool.Endpoint) is { } blocked)
            {
                _slots.Remove(slot.Id);
                _log.LogWarning("Worker {WorkerId} is not restarted: {Reason}", slot.Id, blocked);
                return;
            }

            slot.Restarts++;
            try
            {
                BeginLaunch(slot);
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

    /// <summary>At most once a minute, in the background: packages that no pool names and no worker runs may go.</summary>
    private void PrunePackages(IReadOnlyList<WorkerPool> pools)
    {
        var now = _time.GetTimestamp();
        if (_lastPrune != 0 && _time.GetElapsedTime(_lastPrune, now) < PruneInterval || Interlocked.Exchange(ref _pruning, 1) == 1)
        {
            return;
        }

        _lastPrune = now;
        HashSet<string> wanted;
        lock (_lock)
        {
            wanted = [.. pools.Select(p => p.Endpoint.Package).Concat(_slots.Values.Select(s => s.Pool.Endpoint.Package)).OfType<string>()];
        }

        _ = Task.Run(() =>
        {
            try
            {
                _packages.Prune(wanted);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.LogWarning("Unused packages could not be deleted from {Directory}: {Error}", _packages.Directory, e.Message);
            }
            finally
            {
                Volatile.Write(ref _pruning, 0);
            }
        });
    }
}
