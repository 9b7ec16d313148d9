using System.Net;
using System.Net.Http.Headers;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Autoscaler;

/// <summary>
/// The autoscaler's HTTP port shows pids, log paths and every decision: an operator port, on
/// loopback unless an operator key guards it. No test here sends traffic beyond loopback.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class OperatorPortTests(FleetFixture fleet)
{
    private const string OperatorKey = "operator-port-test-key";

    [Fact]
    public async Task Refuses_to_start_on_a_non_loopback_address_without_an_operator_key()
    {
        using var autoscaler = fleet.StartAutoscalerWith(("Urls", "http://0.0.0.0:0"));

        await Eventually.True(() => Task.FromResult(autoscaler.Process.HasExited), TimeSpan.FromSeconds(30), autoscaler.Tail);

        Assert.NotEqual(0, autoscaler.Process.ExitCode);
        Assert.Contains(autoscaler.Process.Output, line => line.Contains("Autoscaler:OperatorApiKey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_an_operator_key_every_route_but_healthz_needs_it()
    {
        using var autoscaler = fleet.StartAutoscalerWith(("Autoscaler__OperatorApiKey", OperatorKey));
        await autoscaler.WaitUntilServingAsync();
        using var client = new HttpClient { BaseAddress = autoscaler.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "healthz", null));
        foreach (var route in new[] { "decisions", "workers", "metrics" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, route, null));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, route, new("Bearer", "not-the-key")));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, route, new("Basic", OperatorKey)));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, route, new("Bearer", OperatorKey)));
        }
    }

    [Fact]
    public async Task Without_an_operator_key_it_listens_on_loopback_and_serves_its_routes()
    {
        using var autoscaler = fleet.StartAutoscalerWith();
        await autoscaler.WaitUntilServingAsync();
        using var client = new HttpClient { BaseAddress = autoscaler.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "decisions", null));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string route, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, route) { Headers = { Authorization = authorization } };
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
