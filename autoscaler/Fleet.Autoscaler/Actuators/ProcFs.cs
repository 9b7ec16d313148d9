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
    /// <summary>Whether process <paramref name="pid"/> was started as worker <paramref name="workerId"/>.</summary>
    public static bool CarriesWorkerId(int pid, string workerId)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains(
                $"{FleetSettings.EnvironmentVariable(FleetSettings.WorkerId)}={workerId}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
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
}
