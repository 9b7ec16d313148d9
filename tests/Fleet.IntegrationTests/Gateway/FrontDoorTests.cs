using System.Net;
using System.Text;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>What the gateway refuses before doing any work: oversized bodies, full queues, floods.</summary>
[Collection(FleetCollection.Name)]
public sealed class FrontDoorTests(FleetFixture fleet)
{
    private static StringContent BodyOfSize(int bytes) =>
        new($$$"""{"input": {"echo": "{{{new string('x', bytes)}}}"}}""", Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("v2/echo/run", 10 * 1024 * 1024)]
    [InlineData("v2/echo/runsync", 20 * 1024 * 1024)]
    public async Task A_body_over_the_routes_limit_is_a_413_and_persists_nothing(string route, int limit)
    {
        var before = await fleet.CountRowsAsync();

        using var response = await fleet.Api.PostAsync(route, BodyOfSize(limit + 1024));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        await fleet.AssertNothingPersistedSinceAsync(before);
    }

    [Fact]
    public async Task A_body_under_the_limit_is_accepted()
    {
        using var response = await fleet.Api.PostAsync("v2/echo/run", BodyOfSize(1024 * 1024));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_endpoint_with_more_queued_jobs_than_runpods_limit_answers_429_with_retry_after()
    {
        const string endpoint = FleetFixture.AdmissionEndpoint;
        var blocker = await fleet.SubmitAsync(endpoint, """{"input": {"sleep_s": 60}}""");
        await fleet.WaitForStatusAsync(endpoint, blocker, "IN_PROGRESS", TimeSpan.FromSeconds(30));
        // Let the once-a-second count of queued jobs see that the blocker is no longer queued.
        await Task.Delay(TimeSpan.FromMilliseconds(1500));
        try
        {
            var answers = new List<HttpResponseMessage>();
            for (var i = 0; i < 60; i++)
            {
                answers.Add(await fleet.Api.PostAsync($"v2/{endpoint}/run", FleetFixture.Json("""{"input": {"echo": 1}}""")));
            }

            // workersMax 0: the limit is RunPod's floor of 50 queued jobs (more than 50 refuses). The
            // count is refreshed every second and may run a job or two ahead meanwhile.
            var accepted = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
            Assert.InRange(accepted, 49, 51);
            var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.Equal(60 - accepted, refused.Count);
            Assert.All(refused, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
            answers.ForEach(a => a.Dispose());
        }
        finally
        {
            await fleet.Api.PostAsync($"v2/{endpoint}/purge-queue", FleetFixture.Json(""));
            await fleet.Api.PostAsync($"v2/{endpoint}/cancel/{blocker}", FleetFixture.Json(""));
        }
    }

    [Fact]
    public async Task A_key_over_its_rate_limit_gets_429_with_retry_after()
    {
        var (gateway, client) = fleet.StartExtraGateway(("FrontDoor__RequestsPerSecondPerKey", "1"), ("FrontDoor__BurstPerKey", "3"));
        using (gateway)
        using (client)
        {
            await FleetFixture.WaitUntilServingAsync(client, gateway);

            var codes = new List<HttpStatusCode>();
            HttpResponseMessage? refused = null;
            for (var i = 0; i < 8; i++)
            {
                var response = await client.GetAsync("v2/echo/health");
                codes.Add(response.StatusCode);
                refused ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
            }

            Assert.Equal(HttpStatusCode.OK, codes[0]);
            Assert.Contains(HttpStatusCode.TooManyRequests, codes);
            Assert.True(refused!.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
        }
    }
}
