using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>Webhooks: one signed delivery per ending, retried until a 2xx, recorded, surviving a gateway restart; SSRF refused.</summary>
[Collection(FleetCollection.Name)]
public sealed class WebhookTests(FleetFixture fleet)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private Task<string> SubmitWithWebhookAsync(string url, string input = """{"echo": "hooked"}""") =>
        fleet.SubmitAsync("echo", $$$"""{"input": {{{input}}}, "webhook": "{{{url}}}"}""");

    private async Task<JsonElement> DeliveriesAsync(string jobId)
    {
        using var response = await fleet.Api.GetAsync($"v2/echo/webhooks/{jobId}");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("deliveries").Clone();
    }

    private static string ExpectedSignature(string timestamp, string body) =>
        "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(FleetFixture.WebhookSecret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    [Fact]
    public async Task A_job_that_ends_posts_its_status_document_once_with_a_valid_signature()
    {
        using var receiver = new WebhookReceiver();
        var id = await SubmitWithWebhookAsync(receiver.Url);

        await Eventually.True(() => Task.FromResult(!receiver.Requests.IsEmpty), s_timeout, () => fleet.Gateway.Tail());
        await Task.Delay(1500);

        var delivery = Assert.Single(receiver.Requests);
        var document = JsonDocument.Parse(delivery.Body).RootElement;
        Assert.Equal(id, document.GetProperty("id").GetString());
        Assert.Equal("COMPLETED", document.GetProperty("status").GetString());
        Assert.Equal("""{"echo":"hooked"}""", document.GetProperty("output").GetRawText());
        Assert.Equal(ExpectedSignature(delivery.Timestamp, delivery.Body), delivery.Signature);
        Assert.InRange(long.Parse(delivery.Timestamp), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var recorded = Assert.Single((await DeliveriesAsync(id)).EnumerateArray());
        Assert.Equal(delivery.DeliveryId, recorded.GetProperty("id").GetString());
        Assert.Equal("delivered", recorded.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_receiver_failing_twice_gets_three_attempts_and_one_success_recorded()
    {
        using var receiver = new WebhookReceiver(n => n <= 2 ? 500 : 200);
        var id = await SubmitWithWebhookAsync(receiver.Url);

        var delivery = await Eventually.Value(async () => (await DeliveriesAsync(id)).EnumerateArray().SingleOrDefault(),
            d => d.ValueKind == JsonValueKind.Object && d.GetProperty("state").GetString() == "delivered", s_timeout, () => fleet.Gateway.Tail());

        Assert.Equal(3, delivery.GetProperty("attemptCount").GetInt32());
        Assert.Equal([500, 500, 200], delivery.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status").GetInt32()));
        Assert.All(delivery.GetProperty("attempts").EnumerateArray(), a => Assert.True(a.GetProperty("durationMs").GetInt32() >= 0));
        Assert.Single(receiver.Requests.Select(r => r.DeliveryId).Distinct());
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_receiver_that_stays_down_is_recorded_as_failed_and_the_job_is_unaffected()
    {
        var id = await SubmitWithWebhookAsync(WebhookReceiver.DeadUrl(), """{"echo": "nobody listens"}""");

        var delivery = await Eventually.Value(async () => (await DeliveriesAsync(id)).EnumerateArray().SingleOrDefault(),
            d => d.ValueKind == JsonValueKind.Object && d.GetProperty("state").GetString() == "failed", s_timeout, () => fleet.Gateway.Tail());

        Assert.Equal(FleetFixture.WebhookMaxAttempts, delivery.GetProperty("attemptCount").GetInt32());
        Assert.All(delivery.GetProperty("attempts").EnumerateArray(), a => Assert.False(string.IsNullOrEmpty(a.GetProperty("error").GetString())));
        Assert.Equal("COMPLETED", (await fleet.StatusAsync("echo", id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_pending_delivery_arrives_after_the_gateway_restarts()
    {
        using var receiver = new WebhookReceiver(n => n == 1 ? 503 : 200);
        var id = await SubmitWithWebhookAsync(receiver.Url);
        await Eventually.True(() => Task.FromResult(!receiver.Requests.IsEmpty), s_timeout, () => fleet.Gateway.Tail());

        fleet.Gateway.Kill();
        await fleet.StartGatewayAsync();

        await Eventually.True(async () => (await DeliveriesAsync(id))[0].GetProperty("state").GetString() == "delivered",
            s_timeout, () => fleet.Gateway.Tail());
        Assert.Single(receiver.Requests.Select(r => r.DeliveryId).Distinct());
    }

    [Fact]
    public async Task A_delivery_can_be_sent_again_on_request()
    {
        using var receiver = new WebhookReceiver();
        var id = await SubmitWithWebhookAsync(receiver.Url);
        await Eventually.True(() => Task.FromResult(receiver.Requests.Count == 1), s_timeout, () => fleet.Gateway.Tail());

        using var resend = await fleet.Api.PostAsync($"v2/echo/webhooks/{id}/resend", FleetFixture.Json(""));

        Assert.Equal(HttpStatusCode.OK, resend.StatusCode);
        await Eventually.True(() => Task.FromResult(receiver.Requests.Count == 2), s_timeout, () => fleet.Gateway.Tail());
        Assert.Equal(2, receiver.Requests.Select(r => r.DeliveryId).Distinct().Count());
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/latest/meta-data")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://192.168.0.10:8080/hook")]
    [InlineData("ftp://example.org/hook")]
    public async Task A_webhook_to_a_refused_address_is_a_400_naming_the_field(string url)
    {
        var before = await fleet.CountRowsAsync();

        using var response = await fleet.Api.PostAsync("v2/echo/run", FleetFixture.Json($$"""{"input": {"echo": 1}, "webhook": "{{url}}"}"""));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("webhook", out _), problem.ToString());
        await fleet.AssertNothingPersistedSinceAsync(before);
    }
}
