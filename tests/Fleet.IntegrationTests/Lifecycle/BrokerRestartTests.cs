using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Contracts;
using Fleet.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.IntegrationTests.Lifecycle;

/// <summary>
/// RabbitMQ restarted again and again while jobs run on several queues: afterwards every queue that
/// had consumers (the fixture's workers' job queues and broadcast queues, the gateway's events
/// queue) has them again, every job accepted before completes, and a job sent to each endpoint
/// afterwards completes. A worker that reconnects to the broker but not to one of its queues would
/// leave that queue's jobs waiting for ever.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class BrokerRestartTests(FleetFixture fleet, ITestOutputHelper output)
{
    private static readonly string[] s_gpuWorkerEndpoints = ["mlp", "matmul", "vector"];

    private static readonly string[] s_fallbackWorkerEndpoints = ["mlp", "matmul"];

    /// <summary>
    /// How long every consumer may take to come back once the broker is up again: MassTransit's own reconnect backs off to
    /// 30 s, and an endpoint that never heard of the lost connection is restarted by the watchdog once it has counted as
    /// consuming for <c>ReceiveEndpointWatchdog.OrphanAfter</c> (30 s) after the loss; on a loaded 2-core machine the
    /// restart itself takes seconds more. Without the watchdog they do not come back at all.
    /// </summary>
    private static readonly TimeSpan s_recoveryLimit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task After_RabbitMQ_restarts_every_queue_gets_its_consumers_back_and_every_endpoint_completes_a_job()
    {
        var expected = ExpectedConsumers();
        var endpoints = expected.Where(q => q.StartsWith("fleet.jobs.", StringComparison.Ordinal))
            .Select(q => q.Split('.', 4)[3]).Distinct().Order().ToList();
        // The management API's counts lag the broker by its statistics interval (5 s).
        await WaitForConsumersAsync(expected, "before the first restart");

        var ids = new ConcurrentBag<(string Endpoint, string Id)>();
        var recoveries = new List<TimeSpan>();
        // Outages of a few kinds: the broker back for good before the next, and stopped again while
        // the processes were still reconnecting to it.
        foreach (var (round, upFor) in new[] { (1, TimeSpan.Zero), (2, TimeSpan.FromSeconds(1.5)), (3, TimeSpan.Zero) })
        {
            await SubmitInFlightJobsAsync(endpoints, ids, round);
            await Task.Run(TestServers.StopRabbitMq);
            await Task.Delay(TimeSpan.FromSeconds(1));
            await Task.Run(TestServers.StartRabbitMq);
            if (upFor > TimeSpan.Zero)
            {
                await Task.Delay(upFor);
                continue;
            }

            recoveries.Add(await WaitForConsumersAsync(expected, $"after restart {round}"));
        }

        Report($"RabbitMQ restarted 3 times with jobs in flight on {endpoints.Count} endpoints: every consumer back after " +
            string.Join(", ", recoveries.Select(r => $"{r.TotalSeconds:0.0} s")));

        foreach (var endpoint in endpoints)
        {
            ids.Add((endpoint, await fleet.SubmitAsync(endpoint, Body(endpoint, sleepSeconds: 0))));
        }

        foreach (var (endpoint, id) in ids)
        {
            await fleet.WaitForStatusAsync(endpoint, id, "COMPLETED", TimeSpan.FromSeconds(120));
        }
    }

    /// <summary>Jobs that run a while (so their messages are held, unacknowledged) on every endpoint.</summary>
    private async Task SubmitInFlightJobsAsync(IEnumerable<string> endpoints, ConcurrentBag<(string, string)> ids, int round)
    {
        foreach (var endpoint in endpoints)
        {
            for (var i = 0; i < 3; i++)
            {
                ids.Add((endpoint, await fleet.SubmitAsync(endpoint, Body(endpoint, sleepSeconds: 1 + round))));
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(0.5));
    }

    private static string Body(string endpoint, int sleepSeconds) => endpoint switch
    {
        "mlp" => $$$"""{"input": {"inputs": [[{{{string.Join(", ", Enumerable.Repeat("0.5", 64))}}}]]}}""",
        "matmul" => """{"input": {"a": [[1, 2], [3, 4]], "b": [[5, 6], [7, 8]]}}""",
        "vector" => """{"input": {"op": "dot", "x": [1, 2, 3], "y": [4, 5, 6]}}""",
        _ => $$$"""{"input": {"echo": "{{{endpoint}}}", "sleep_s": {{{sleepSeconds}}}}}""",
    };

    /// <summary>
    /// The queues that must have a consumer: each fixture worker's job queues and broadcast queue
    /// (a process's name is its worker id), the gateway's events queue.
    /// </summary>
    private List<string> ExpectedConsumers() =>
    [
        .. FleetFixture.SharedWorkerEndpoints.Select(e => FleetNames.JobQueue(e, Hardware.Cpu)),
        .. s_gpuWorkerEndpoints.Select(e => FleetNames.JobQueue(e, Hardware.Gpu)),
        .. s_fallbackWorkerEndpoints.Select(e => FleetNames.JobQueue(e, Hardware.Cpu)),
        .. new[] { fleet.Worker, fleet.GpuWorker, fleet.FallbackWorker }.Select(w => FleetNames.WorkerBroadcastQueuePrefix + w.Name),
        FleetNames.GatewayEventsQueue,
    ];

    /// <summary>Waits until every queue has a consumer; returns how long that took.</summary>
    private async Task<TimeSpan> WaitForConsumersAsync(IReadOnlyList<string> expected, string when)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyDictionary<string, int> now = new Dictionary<string, int>();
        await Eventually.True(async () =>
        {
            now = await ConsumersAsync();
            return expected.All(now.ContainsKey);
        }, s_recoveryLimit, () => $"{when}, queues without a consumer: {string.Join(", ", expected.Where(q => !now.ContainsKey(q)))}" +
            $"\n{fleet.Worker.Tail(60)}\n{fleet.GpuWorker.Tail(30)}\n{fleet.FallbackWorker.Tail(30)}\n{fleet.Gateway.Tail(30)}");
        return clock.Elapsed;
    }

    /// <summary>Consumers per queue of this run's virtual host, from the management API.</summary>
    private async Task<IReadOnlyDictionary<string, int>> ConsumersAsync()
    {
        using var management = fleet.AdminManagementClient();
        try
        {
            var queues = await management.GetFromJsonAsync<JsonElement>(
                $"api/queues/{Uri.EscapeDataString(fleet.VirtualHost)}?columns=name,consumers");
            return queues.EnumerateArray()
                .Where(q => q.TryGetProperty("consumers", out var c) && c.GetInt32() > 0)
                .ToDictionary(q => q.GetProperty("name").GetString()!, q => q.GetProperty("consumers").GetInt32());
        }
        catch (HttpRequestException)
        {
            // The management API of a starting node.
            return new Dictionary<string, int>();
        }
    }

    /// <summary>To the test's output and to the console, where <c>./fleet test</c> shows it.</summary>
    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine("chaos: " + line);
    }
}
