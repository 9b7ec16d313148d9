using System.Diagnostics;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests;

/// <summary>Docker cannot run here; the compose file is still parsed and validated by docker-compose.</summary>
public sealed class ComposeFileTests
{
    /// <summary>The credentials compose.yaml requires; it has no default for any of them.</summary>
    private static readonly string[] s_credentials =
        ["FLEET_PG_ADMIN_PASSWORD", "FLEET_DB_PASSWORD", "FLEET_RABBIT_PASSWORD", "FLEET_REPORTS_KEY", "FLEET_WORKER_KEY", "FLEET_API_KEY"];

    [Fact]
    public void Compose_file_is_valid_and_declares_the_whole_topology()
    {
        var (exitCode, services, errors) = Config(withCredentials: true);

        Assert.True(exitCode == 0, errors);
        Assert.Equal(
            ["gateway", "postgres", "rabbitmq", "worker-cpu", "worker-gpu"],
            services.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public void Compose_refuses_to_start_without_its_credentials()
    {
        var (exitCode, _, errors) = Config(withCredentials: false);

        Assert.NotEqual(0, exitCode);
        Assert.Matches(@"set FLEET_\w+", errors);
    }

    private static (int ExitCode, string Output, string Errors) Config(bool withCredentials)
    {
        // An empty env file: a .env beside compose.yaml would supply what this test leaves out.
        var noEnvFile = Path.GetTempFileName();
        var start = new ProcessStartInfo(
            "docker-compose", ["--env-file", noEnvFile, "-f", Path.Combine(RepoPaths.Root, "compose.yaml"), "config", "--services"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in s_credentials)
        {
            if (withCredentials)
            {
                start.Environment[name] = "test-" + name.ToLowerInvariant();
            }
            else
            {
                start.Environment.Remove(name);
            }
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        File.Delete(noEnvFile);
        return (process.ExitCode, output.Result, errors);
    }
}
