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
        foreach (var file in Directory.EnumerateFiles(logDirectory, "*" + WorkerFiles.PidExtension))
        {
            var id = Path.GetFileNameWithoutExtension(file);
            var files = WorkerFiles.Of(logDirectory, id);
            if (!int.TryParse(File.ReadAllText(file).Trim(), out var pid)
                || ProcFs.WorkerVersion(pid, id) is not { } version
                || ProcFs.StartTicks(pid) is not { } started)
            {
                files.DeleteRunFiles();
            }
            else if (PoolOf(id, pools) is { } owner)
            {
                if (Open(pid) is { } process)
                {
                    found.Add(new(id, process.Process, process.StartedAt, started, owner.Pool, owner.Number, version));
                }
                else
                {
                    files.DeleteRunFiles(); // it exited meanwhile
                }
            }
            else
            {
                log.LogWarning(
                    "Worker {WorkerId} (pid {Pid}) was left running by an earlier autoscaler for a pool not scaled now; asked it to drain",
                    id, pid);
                PosixSignals.Terminate(pid);
                // Nobody watches it from here on; it read its endpoints file when it started.
                files.DeleteRunFiles();
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
