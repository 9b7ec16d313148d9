using System.Net;
using System.Text;
using Fleet.Client;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Client;

/// <summary>
/// Fleet.Client's map against a real gateway and workers: both orders, exceptions returned, bad inputs, the RunPod fallback.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class ClientMapTests(FleetFixture fleet)
{
    /// <summary>Inputs 0..n-1; every fifth fails, and <paramref name="bad"/> is refused by the gateway (a negative sleep).</summary>
    private static List<EchoIn> Inputs(string marker, int count, int bad = -1) =>
        [.. Enumerable.Range(0, count).Select(i =>
            i == bad ? new EchoIn($"{marker}-{i}", SleepSeconds: -1)
            : i % 5 == 4 ? new EchoIn(Fail: $"{marker}-{i} fails")
            : new EchoIn($"{marker}-{i}", SleepSeconds: (count - i) % 3 * 0.1))];

    private static void AssertResult(string marker, FleetMapResult<EchoOut> result, int bad)
    {
        if (result.Index == bad)
        {
            var refused = Assert.IsType<FleetApiException>(result.Exception);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(refused.Errors.Keys, k => k.EndsWith("input.sleep_s", StringComparison.Ordinal));
        }
        else if (result.Index % 5 == 4)
        {
            var failed = Assert.IsType<FleetJobFailedException>(result.Exception);
            Assert.Contains($"{marker}-{result.Index} fails", failed.Error, StringComparison.Ordinal);
            Assert.Equal(result.JobId, failed.JobId);
        }
        else
        {
            Assert.Equal($"{marker}-{result.Index}", result.GetOutputOrThrow().Echo);
        }
    }

    [Fact]
    public async Task A_map_in_input_order_returns_exceptions_and_refused_inputs_as_results_through_the_batch_routes()
    {
        var (client, log) = TestClients.Create(fleet.Api);
        var marker = TestClients.Marker();

        var results = await client.Endpoint<EchoIn, EchoOut>(FleetFixture.ClientEndpoint)
            .MapResultsAsync(Inputs(marker, 60, bad: 7), new FleetMapOptions { BatchSize = 25, MaxInFlight = 40 }).ToListAsync();

        Assert.Equal(Enumerable.Range(0, 60), results.Select(r => r.Index));
        Assert.All(results, r => AssertResult(marker, r, bad: 7));
        // At least 60 / 25 submissions (then one per poll that freed room), none of them a /run of its own.
        Assert.InRange(log.Count("/batch/run"), 3, 60);
        Assert.DoesNotContain(log.Entries,
            e => e.Path.EndsWith("/run", StringComparison.Ordinal) && !e.Path.Contains("/batch/", StringComparison.Ordinal));
        Assert.Equal(0, log.Count("/status/"));
        Assert.InRange(log.Count("/batch/status"), 1, 59);
    }

    [Fact]
    public async Task A_map_in_completion_order_hands_out_fast_jobs_before_a_slow_first_one()
    {
        var (client, _) = TestClients.Create(fleet.Api);
        var marker = TestClients.Marker();
        var inputs = new[] { new EchoIn($"{marker}-0", SleepSeconds: 3) }
            .Concat(Enumerable.Range(1, 9).Select(i => new EchoIn($"{marker}-{i}")));

        var results = await client.Endpoint<EchoIn, EchoOut>(FleetFixture.ClientEndpoint)
            .MapResultsAsync(inputs, new FleetMapOptions { Order = FleetMapOrder.Completion }).ToListAsync();

        Assert.Equal(0, results[^1].Index);
        Assert.Equal(Enumerable.Range(0, 10), results.Select(r => r.Index).Order());
        Assert.All(results, r => Assert.Equal($"{marker}-{r.Index}", r.GetOutputOrThrow().Echo));
    }

    [Fact]
    public async Task A_map_that_throws_at_a_failed_input_cancels_the_jobs_still_in_flight()
    {
        var (client, _) = TestClients.Create(fleet.Api);
        var marker = TestClients.Marker();
        var inputs = new[] { new EchoIn(Fail: $"{marker} first") }
            .Concat(Enumerable.Range(1, 5).Select(i => new EchoIn($"{marker}-{i}", SleepSeconds: 60)));

        var failure = await Assert.ThrowsAsync<FleetJobFailedException>(async () =>
        {
            await foreach (var output in client.Endpoint<EchoIn, EchoOut>(FleetFixture.ClientEndpoint).MapAsync(inputs))
            {
                Assert.Fail($"no output expected, got {output}");
            }
        });

        Assert.Contains(marker, failure.Error, StringComparison.Ordinal);
        var statuses = await fleet.QueryAsync<string>("SELECT status FROM jobs WHERE input::text LIKE '%' || $1 || '-%'", marker);
        Assert.Equal(Enumerable.Repeat("CANCELLED", 5), statuses);
    }

    [Fact]
    public async Task Starmap_builds_each_input_from_its_arguments()
    {
        var (client, _) = TestClients.Create(fleet.Api);

        var outputs = await client.Endpoint<EchoIn, EchoOut>(FleetFixture.ClientEndpoint)
            .StarMapAsync([("a", 0.1), ("b", 0.0), ("c", 0.2)], (text, sleep) => new EchoIn(text, SleepSeconds: sleep)).ToListAsync();

        Assert.Equal(["a", "b", "c"], outputs.Select(o => o.Echo));
    }

    [Fact]
    public async Task With_RunPods_routes_only_a_map_sends_one_run_per_input_and_polls_each_job()
    {
        var (client, log) = TestClients.Create(fleet.Api, o => o.UseFleetRoutes = false);
        var marker = TestClients.Marker();

        var results = await client.Endpoint<EchoIn, EchoOut>(FleetFixture.ClientEndpoint)
            .MapResultsAsync(Inputs(marker, 20, bad: 3)).ToListAsync();

        Assert.All(results, r => AssertResult(marker, r, bad: 3));
        Assert.Equal(20, log.Count("/run"));
        Assert.Equal(0, log.Count("/batch/"));
        Assert.True(log.Count("/status/") >= 19);
    }

    [Fact]
    public async Task Against_a_gateway_without_the_batch_routes_a_map_falls_back_to_runpods_routes_after_one_try()
    {
        // An older gateway (or RunPod) answers 404 to batch/*: simulated by a handler that refuses
        // those routes and passes every other request to the real gateway.
        var (client, log) = TestClients.Create(fleet.Api, server: () => new WithoutBatchRoutes());
        var endpoint = client.Endpoint<EchoIn, EchoOut>(FleetFixture.ClientEndpoint);
        var marker = TestClients.Marker();

        var first = await endpoint.MapAsync(Enumerable.Range(0, 6).Select(i => new EchoIn($"{marker}-{i}"))).ToListAsync();
        var second = await endpoint.MapAsync([new EchoIn($"{marker}-again")]).ToListAsync();

        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"{marker}-{i}"), first.Select(o => o.Echo));
        Assert.Equal($"{marker}-again", second[0].Echo);
        Assert.Equal(1, log.Count("/batch/run"));
        Assert.Equal(1, log.Count("/batch/status"));
        Assert.Equal(7, log.Count("/run") - 1);
        Assert.Equal(7, (await fleet.QueryAsync<long>("SELECT count(*) FROM jobs WHERE input::text LIKE '%' || $1 || '%'", marker))[0]);
    }

    private sealed class WithoutBatchRoutes : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri!.AbsolutePath.Contains("/batch/", StringComparison.Ordinal)
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound)
                {
                    Content = new StringContent("""{"status": 404, "title": "Not found."}""", Encoding.UTF8, "application/json"),
                })
                : base.SendAsync(request, cancellationToken);
    }
}
