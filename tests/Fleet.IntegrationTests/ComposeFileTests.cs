using System.Diagnostics;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests;

/// <summary>Docker cannot run here; the compose file is still parsed and validated by docker-compose.</summary>
public sealed class ComposeFileTests
{
    [Fact]
    public void Compose_file_is_valid_and_declares_the_whole_topology()
    {
        var start = new ProcessStartInfo("docker-compose", ["-f", Path.Combine(RepoPaths.Root, "compose.yaml"), "config", "--services"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var services = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.True(process.ExitCode == 0, errors);
        Assert.Equal(
            ["gateway", "postgres", "rabbitmq", "worker-cpu", "worker-gpu"],
            services.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }
}
