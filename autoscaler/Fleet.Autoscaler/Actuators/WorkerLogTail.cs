using System.Text;

namespace Fleet.Autoscaler.Actuators;

/// <summary>The end of a worker's log since its latest start: what a failed start reports as its error.</summary>
internal static class WorkerLogTail
{
    public const int MaxLines = 20;

    public const int MaxBytes = 4096;

    /// <summary>The autoscaler writes this at the head of each start's output (<see cref="WorkerCommand"/>).</summary>
    public const string StartMarker = "--- ";

    /// <summary>At most the last <see cref="MaxLines"/> lines and <see cref="MaxBytes"/> bytes written since the latest start.</summary>
    public static string Read(string logFile)
    {
        byte[] bytes;
        try
        {
            using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = (int)Math.Min(stream.Length, MaxBytes);
            stream.Seek(-length, SeekOrigin.End);
            bytes = new byte[length];
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(its log {logFile} cannot be read: {e.Message})";
        }

        var lines = Encoding.UTF8.GetString(bytes).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindLastIndex(l => l.StartsWith(StartMarker, StringComparison.Ordinal));
        var tail = lines.Skip(start + 1).Where(l => l.Length > 0).TakeLast(MaxLines).ToList();
        return tail.Count == 0 ? "(the worker wrote nothing before it exited)" : string.Join('\n', tail);
    }
}
