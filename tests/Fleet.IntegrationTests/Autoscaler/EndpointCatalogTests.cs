using System.Diagnostics;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.IntegrationTests.Autoscaler;

/// <summary>
/// The autoscaler takes its endpoints from the catalog (table <c>endpoints</c>) while it runs: a created endpoint is
/// scaled within seconds, a scaling-only change keeps the workers, a deleted endpoint's workers drain. Each test uses an
/// endpoint of its own that only the catalog names (the gateway's own catalog comes with the management API).
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class EndpointCatalogTests(FleetFixture fleet, ITestOutputHelper output)
{
    [Fact]
    public async Task A_created_endpoint_gets_its_worker_within_seconds_with_its_env_and_a_deleted_one_has_its_workers_drained()
    {
        const string endpoint = "echo-catalog-created";
        using var autoscaler = await fleet.StartAutoscalerAsync(endpoint);
        // Named by Autoscaler:Endpoints but not in the catalog yet: not scaled, and no reason not to start.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(autoscaler.Process.HasExited, autoscaler.Tail());
        Assert.Null(await autoscaler.DecisionAsync(endpoint));

        var clock = Stopwatch.StartNew();
        var (_, workerVersion) = await fleet.Catalog.PutAsync(new EndpointDefinition
        {
            Id = endpoint, Handler = "echo", WorkersMin = 1, WorkersMax = 1, ConcurrencyPerWorker = 2,
            Env = new Dictionary<string, string> { ["GREETING"] = "hello", ["Worker__Id"] = "someone-else" },
        });
        var started = await Eventually.Value(() => autoscaler.WorkersAsync(endpoint), w => w.Count == 1, TimeSpan.FromSeconds(5),
            autoscaler.Tail);
        var seenAfter = clock.Elapsed;
        output.WriteLine($"catalog: worker started {seenAfter.TotalMilliseconds:0} ms after the endpoint's row was committed");
        Assert.True(seenAfter < TimeSpan.FromSeconds(3), $"the worker started {seenAfter.TotalSeconds:0.0} s after the endpoint was created");
        var worker = started.Single();
        var id = worker.GetProperty("id").GetString()!;
        Assert.Equal(workerVersion, worker.GetProperty("version").GetInt32());

        // The worker serves the endpoint: its heartbeat, recorded by the gateway, names it.
        await Eventually.True(async () => (await fleet.QueryAsync<string[]>("SELECT endpoints FROM workers WHERE id = $1", id))
            .SingleOrDefault()?.Contains(endpoint) == true, TimeSpan.FromSeconds(45), autoscaler.Tail);
        var environment = Environ(worker.GetProperty("processId").GetInt32());
        Assert.Equal("hello", environment["GREETING"]);
        Assert.Equal(id, environment[FleetSettings.EnvironmentVariable(FleetSettings.WorkerId)]);
        Assert.Equal(workerVersion.ToString(), environment[FleetNames.WorkerVersionVariable]);
        var endpointsFile = environment[FleetNames.EndpointsFileVariable];
        using (var file = JsonDocument.Parse(File.ReadAllText(endpointsFile)))
        {
            var definition = file.RootElement.GetProperty("fleet").GetProperty("endpoints").EnumerateArray().Single();
            Assert.Equal((endpoint, workerVersion), (definition.GetProperty("id").GetString(), definition.GetProperty("version").GetInt32()));
        }

        await fleet.Catalog.DeleteAsync(endpoint);
        await Eventually.True(async () => (await autoscaler.WorkersAsync(endpoint)).Count == 0, TimeSpan.FromSeconds(30), autoscaler.Tail);
        Assert.False(File.Exists(endpointsFile), $"{endpointsFile} outlived its worker");
        Assert.Null(await autoscaler.DecisionAsync(endpoint));
        // Drained, not killed; and once its workers are gone, nothing of the endpoint is left in the metrics.
        Assert.Empty(autoscaler.WorkerProcessIds(endpoint));
        await Eventually.True(async () => await autoscaler.EventsAsync(endpoint, "start") == 0, TimeSpan.FromSeconds(5), autoscaler.Tail);
        Assert.Equal(0, await autoscaler.EventsAsync(endpoint, "kill"));
    }

    [Fact]
    public async Task A_scaling_only_change_keeps_the_running_workers_and_applies_at_once()
    {
        const string endpoint = "echo-catalog-rescaled";
        var definition = new EndpointDefinition
        {
            Id = endpoint, Handler = "echo", WorkersMin = 1, WorkersMax = 2, IdleTimeoutSeconds = 30, ConcurrencyPerWorker = 1,
        };
        var (_, workerVersion) = await fleet.Catalog.PutAsync(definition);
        using var autoscaler = await fleet.StartAutoscalerAsync(endpoint);
        await Eventually.True(async () => await autoscaler.CountAsync(endpoint) == 1
            && (await fleet.QueryAsync<long>("SELECT count(*) FROM workers WHERE $1 = ANY(endpoints) AND NOT stopping", endpoint))[0] == 1,
            TimeSpan.FromSeconds(45), autoscaler.Tail);
        var before = await ProcessIdsAsync(autoscaler, endpoint);

        var changed = await fleet.Catalog.PutAsync(definition with
        {
            WorkersMin = 2, WorkersMax = 3, IdleTimeoutSeconds = 60, ScalerType = ScalerType.RequestCount, ScalerValue = 2,
            ExecutionTimeoutMs = 120_000, MaxAttempts = 2,
        });

        Assert.Equal(workerVersion, changed.WorkerVersion);
        var decision = await Eventually.Value(async () => await autoscaler.DecisionAsync(endpoint),
            d => d?.GetProperty("max").GetInt32() == 3, TimeSpan.FromSeconds(3), autoscaler.Tail);
        var scaling = decision!.Value;
        Assert.Equal((2, "REQUEST_COUNT"), (scaling.GetProperty("min").GetInt32(), scaling.GetProperty("scalerType").GetString()));
        // The new minimum starts a second worker beside the first, which stays.
        await Eventually.True(async () => await autoscaler.CountAsync(endpoint) == 2, TimeSpan.FromSeconds(5), autoscaler.Tail);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = await ProcessIdsAsync(autoscaler, endpoint);
        Assert.Equal(2, after.Count);
        Assert.Contains(before.Single(), after);
        Assert.All(await autoscaler.WorkersAsync(endpoint), w => Assert.Equal(workerVersion, w.GetProperty("version").GetInt32()));
        Assert.Equal(0, await autoscaler.EventsAsync(endpoint, "drain"));
        Assert.Equal(2, await autoscaler.EventsAsync(endpoint, "start"));
    }

    [Fact]
    public async Task The_kubernetes_generator_reads_the_catalog_table_when_given_a_connection_string()
    {
        const string endpoint = "echo-catalog-k8s";
        var (_, workerVersion) = await fleet.Catalog.PutAsync(new EndpointDefinition
        {
            Id = endpoint, Handler = "echo", WorkersMax = 3, Env = new Dictionary<string, string> { ["GREETING"] = "hi there" },
        });
        var directory = Directory.CreateTempSubdirectory("fleet-k8s-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet", [RepoPaths.Program("autoscaler/Fleet.Autoscaler", "Fleet.Autoscaler"), "k8s", "--out",
                directory]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment[FleetSettings.EnvironmentVariable(FleetSettings.ConnectionString)] = fleet.AutoscalerConnectionString;
            start.Environment[FleetNames.EndpointsFileVariable] = fleet.EndpointsFile;
            using var generator = Process.Start(start)!;
            var error = generator.StandardError.ReadToEndAsync();
            var said = await generator.StandardOutput.ReadToEndAsync();
            await generator.WaitForExitAsync();
            Assert.True(generator.ExitCode == 0, said + await error);

            // Only the table names this endpoint; the file's endpoints are there because the table holds them too.
            var yaml = await File.ReadAllTextAsync(Path.Combine(directory, $"{endpoint}.yaml"));
            Assert.Contains($"fleet/version: \"{workerVersion}\"", yaml, StringComparison.Ordinal);
            Assert.Contains("- name: GREETING\n              value: \"hi there\"", yaml, StringComparison.Ordinal);
            Assert.Contains("maxReplicaCount: 3", yaml, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(directory, $"{FleetFixture.RolloutEndpoint}.yaml")));
            Assert.Contains("endpoints table", said, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
            await fleet.Catalog.DeleteAsync(endpoint);
        }
    }

    private static async Task<List<int>> ProcessIdsAsync(AutoscalerProcess autoscaler, string endpoint) =>
        [.. (await autoscaler.WorkersAsync(endpoint)).Select(w => w.GetProperty("processId").GetInt32())];

    /// <summary>A process's environment, as /proc shows it.</summary>
    private static Dictionary<string, string> Environ(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('=', 2))
            .ToDictionary(e => e[0], e => e.Length > 1 ? e[1] : "", StringComparer.Ordinal);
}
