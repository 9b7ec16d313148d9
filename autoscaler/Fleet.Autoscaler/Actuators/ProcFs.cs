using Fleet.Contracts;
using System.Globalization;

namespace Fleet.Autoscaler.Actuators;

/// <summary>
/// What Linux' /proc says of a worker process that is not (or no longer) the autoscaler's child: a
/// predecessor's worker, found through its pid file. Pids get reused, so a process counts as the
/// worker only while it carries the worker's id in its environment and keeps its start time.
/// </summary>
internal static class ProcFs
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The worker version process <paramref name="pid"/> was started with, if it was started as worker
    /// <paramref name="workerId"/>; 0 for a worker started before versions were passed on; null if it is not that worker.
    /// </summary>
    public static int? WorkerVersion(int pid, string workerId)
    {
        string[] environment;
        try
        {
            environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (!environment.Contains($"{FleetSettings.EnvironmentVariable(FleetSettings.WorkerId)}={workerId}"))
        {
            return null;
        }

        var prefix = FleetNames.WorkerVersionVariable + "=";
        return environment.FirstOrDefault(e => e.StartsWith(prefix, StringComparison.Ordinal)) is { } entry
            && int.TryParse(entry.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : 0;
    }

    /// <summary>
    /// The process' start time in clock ticks since boot (field 22 of <c>/proc/{pid}/stat</c>); null when
    /// it is gone or a zombie. An orphan's exit is reaped by whoever adopted it, which may be slow or
    /// never, so a zombie counts as exited.
    /// </summary>
    public static long? StartTicks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields[0] is "Z" or "X" ? null : long.Parse(fields[19], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Completes once the process <paramref name="pid"/> that started at <paramref name="startTicks"/> is gone (or a
    /// zombie that nobody reaps): for a process that is not our child, whose exit no SIGCHLD tells of.
    /// </summary>
    public static async Task ExitedAsync(int pid, long startTicks, TimeProvider time)
    {
        while (StartTicks(pid) == startTicks)
        {
            await Task.Delay(s_pollInterval, time);
        }
    }
}
