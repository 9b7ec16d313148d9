using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>
/// One POST per ending (API.md), also when far more deliveries come due at once than the sender
/// runs concurrently, and no retries for an answer that says "look elsewhere" (a redirect).
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class WebhookDeliveryOnceTests(FleetFixture fleet)
{
    private const int Wave = 500;

    [Fact]
    public async Task Five_hundred_jobs_ending_in_a_wave_post_each_delivery_exactly_once()
    {
        using var receiver = new WebhookReceiver();
        var body = $$"""{"input": {"echo": "wave"}, "webhook": "{{receiver.Url}}"}""";
        var ids = await Task.WhenAll(Enumerable.Range(0, Wave).Select(_ => fleet.SubmitAsync("echo", body)));

        await Eventually.True(() => Task.FromResult(receiver.Requests.Count >= Wave), TimeSpan.FromSeconds(90),
            () => $"{receiver.Requests.Count} of {Wave} deliveries arrived\n{fleet.Gateway.Tail()}");
        // Time for a second POST of a delivery that was already sent to arrive, if there were one.
        await Task.Delay(3000);

        var byDelivery = receiver.Requests.GroupBy(r => r.DeliveryId).ToList();
        var repeated = byDelivery.Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        Assert.True(repeated.Count == 0, $"{repeated.Count} deliveries were POSTed more than once: {string.Join(", ", repeated.Take(10))}");
        Assert.Equal(Wave, receiver.Requests.Count);
        var jobs = receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()!).ToHashSet();
        Assert.Equal(ids.ToHashSet(), jobs);
    }

    [Fact]
    public async Task A_redirect_is_a_final_failure_after_one_attempt()
    {
        using var receiver = new WebhookReceiver(_ => 302);
        var id = await fleet.SubmitAsync("echo", $$"""{"input": {"echo": "redirected"}, "webhook": "{{receiver.Url}}"}""");

        var delivery = await Eventually.Value(async () =>
            {
                using var response = await fleet.Api.GetAsync($"v2/echo/webhooks/{id}");
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("deliveries").Clone()
                    .EnumerateArray().SingleOrDefault();
            },
            d => d.ValueKind == JsonValueKind.Object && d.GetProperty("state").GetString() != "pending", TimeSpan.FromSeconds(30),
            () => fleet.Gateway.Tail());
        await Task.Delay(1500);

        Assert.Equal("failed", delivery.GetProperty("state").GetString());
        Assert.Equal(1, delivery.GetProperty("attemptCount").GetInt32());
        Assert.Single(receiver.Requests);
    }
}
