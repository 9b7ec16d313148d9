using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Fleet.Autoscaler.Scaling;

namespace Fleet.Autoscaler.Actuators;

/// <summary>
/// Workers that an autoscaler killed outright left running: found through their pid files, each
/// checked in /proc (the pid still carries the worker's id, so a reused pid does not count).
/// </summary>
internal static class LeftoverWorkers
{
    /// <summary>
    /// The live leftovers of <paramref name="pools"/>. Pid files of workers that are gone are deleted;
    /// a live worker of a pool not scaled now (the configuration changed) is asked to drain, since
    /// nobody would answer for it.
    /// </summary>
    public static List<LeftoverWorker> Find(string logDirectory, IReadOnlyList<WorkerPool> pools, ILogger log)
    {
        var found = new List<LeftoverWorker>();
        foreach (var file in Directory.EnumerateFiles(logDirectory, "*.pid"))
        {
            var id = Path.GetFileNameWithoutExtension(file);
            if (!int.TryParse(File.ReadAllText(file).Trim(), out var pid)
                || !ProcFs.CarriesWorkerId(pid, id)
                || ProcFs.StartTicks(pid) is not { } started)
            {
                File.Delete(file);
            }
            else if (PoolOf(id, pools) is { } owner)
            {
                if (Open(pid) is { } process)
                {
                    found.Add(new(id, process.Process, process.StartedAt, started, owner.Pool, owner.Number));
                }
                else
                {
                    File.Delete(file); // it exited meanwhile
                }
            }
            else
            {
                log.LogWarning(
                    "Worker {WorkerId} (pid {Pid}) was left running by an earlier autoscaler for a pool not scaled now; asked it to drain",
                    id, pid);
                PosixSignals.Terminate(pid);
                File.Delete(file);
            }
        }

        return found;
    }

    private static (Process Process, DateTimeOffset StartedAt)? Open(int pid)
    {
        try
        {
            var process = Process.GetProcessById(pid);
            return (process, process.StartTime.ToUniversalTime());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
        {
            return null;
        }
    }

    private static (WorkerPool Pool, int Number)? PoolOf(string workerId, IReadOnlyList<WorkerPool> pools)
    {
        foreach (var pool in pools)
        {
            var prefix = WorkerSlot.IdPrefix(pool);
            if (workerId.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(workerId.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return (pool, number);
            }
        }

        return null;
    }
}
