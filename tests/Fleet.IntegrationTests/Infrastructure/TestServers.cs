using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Fleet.IntegrationTests.Infrastructure;

/// <summary>
/// The test profile's PostgreSQL and RabbitMQ, run by the project's own scripts (infra/servers.sh),
/// so the tests use the same servers and the same start-up code as a user does.
/// </summary>
public static partial class TestServers
{
    private const string Profile = "test";

    /// <summary>Starts both servers if they are not running; returns the settings the apps read.</summary>
    public static IReadOnlyDictionary<string, string> Start()
    {
        Run("servers.sh", "start", TimeSpan.FromMinutes(5));
        var settings = new Dictionary<string, string>();
        foreach (Match line in ExportLine().Matches(Run("servers.sh", "env", TimeSpan.FromSeconds(30))))
        {
            settings[line.Groups[1].Value] = line.Groups[2].Value.Trim('\'');
        }

        return settings;
    }

    public static void StopRabbitMq() => Run("rabbitmq.sh", "stop", TimeSpan.FromMinutes(2));

    public static void StartRabbitMq() => Run("rabbitmq.sh", "start", TimeSpan.FromMinutes(2));

    public static void StopPostgres() => Run("postgres.sh", "stop", TimeSpan.FromMinutes(2));

    public static void StartPostgres() => Run("postgres.sh", "start", TimeSpan.FromMinutes(2));

    private static string Run(string script, string verb, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Path.Combine(RepoPaths.Root, "infra", script), [verb, Profile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"infra/{script} {verb} {Profile} did not finish within {timeout}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"infra/{script} {verb} {Profile} failed ({process.ExitCode}): {output.Result}{error.Result}");
        }

        return output.Result;
    }

    [GeneratedRegex(@"^export ([A-Za-z_]+)=(.*)$", RegexOptions.Multiline)]
    private static partial Regex ExportLine();
}
