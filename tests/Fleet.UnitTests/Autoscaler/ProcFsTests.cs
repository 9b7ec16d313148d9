using System.Diagnostics;
using Fleet.Autoscaler.Actuators;
using Fleet.Contracts;

namespace Fleet.UnitTests.Autoscaler;

/// <summary>What a successor autoscaler reads of a worker it adopts: which worker it is, and the version it runs.</summary>
public sealed class ProcFsTests
{
    private static Process Sleeper(params (string Key, string Value)[] environment)
    {
        var start = new ProcessStartInfo("sleep", ["30"]) { UseShellExecute = false };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    [Fact]
    public void Reads_the_worker_version_a_worker_was_started_with()
    {
        using var worker = Sleeper(("Worker__Id", "summarize-cpu-3"), (FleetNames.WorkerVersionVariable, "12"));
        try
        {
            Assert.Equal(12, ProcFs.WorkerVersion(worker.Id, "summarize-cpu-3"));
            Assert.Null(ProcFs.WorkerVersion(worker.Id, "summarize-cpu-4"));
        }
        finally
        {
            worker.Kill();
        }
    }

    [Fact]
    public void A_worker_started_without_a_version_is_of_version_zero()
    {
        using var worker = Sleeper(("Worker__Id", "echo-cpu-1"));
        try
        {
            Assert.Equal(0, ProcFs.WorkerVersion(worker.Id, "echo-cpu-1"));
        }
        finally
        {
            worker.Kill();
        }
    }
}
