using Fleet.Autoscaler.Actuators;

namespace Fleet.UnitTests.Autoscaler;

/// <summary>The error a failed start reports: the worker's last lines since its latest start.</summary>
public sealed class WorkerLogTailTests : IDisposable
{
    private readonly string _log = Path.GetTempFileName();

    public void Dispose() => File.Delete(_log);

    [Fact]
    public void Only_the_output_since_the_latest_start_counts_at_most_twenty_lines()
    {
        var lines = new List<string> { "--- start 1 ---", "old failure" };
        lines.Add("--- start 2 ---");
        lines.AddRange(Enumerable.Range(1, 30).Select(i => $"line {i}"));
        File.WriteAllLines(_log, lines);

        var tail = WorkerLogTail.Read(_log).Split('\n');

        Assert.Equal(20, tail.Length);
        Assert.Equal(("line 11", "line 30"), (tail[0], tail[^1]));
    }

    [Fact]
    public void Long_lines_are_cut_to_four_kilobytes_and_an_empty_start_says_so()
    {
        File.WriteAllText(_log, "--- start ---\n" + new string('x', 10_000) + "\n");
        Assert.True(WorkerLogTail.Read(_log).Length <= WorkerLogTail.MaxBytes);

        File.WriteAllText(_log, "--- start ---\n");
        Assert.Equal("(the worker wrote nothing before it exited)", WorkerLogTail.Read(_log));
    }
}
