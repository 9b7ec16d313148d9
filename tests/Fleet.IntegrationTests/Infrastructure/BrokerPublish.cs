using System.Net.Http.Json;
using System.Text.Json;

namespace Fleet.IntegrationTests.Infrastructure;

/// <summary>
/// Publishes a Fleet message the way a process's MassTransit bus would (its JSON envelope, to the message type's
/// exchange), through the broker's management API: tests put a message on the bus without a bus of their own.
/// </summary>
public static class BrokerPublish
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>POST /api/exchanges/{vhost}/{exchange}/publish: MassTransit's exchange for the message type.</summary>
    public static string PublishPath(string vhost, string messageType) =>
        $"api/exchanges/{Uri.EscapeDataString(vhost)}/{Uri.EscapeDataString("Fleet.Contracts.Messages:" + messageType)}/publish";

    /// <summary>A MassTransit JSON envelope around <paramref name="message"/>.</summary>
    public static object Body(object message, string messageType) => new
    {
        properties = new { content_type = "application/vnd.masstransit+json", delivery_mode = 2 },
        routing_key = "",
        payload_encoding = "string",
        payload = JsonSerializer.Serialize(new
        {
            messageId = Guid.NewGuid(),
            messageType = new[] { "urn:message:Fleet.Contracts.Messages:" + messageType },
            message,
            sentTime = DateTimeOffset.UtcNow,
        }, s_json),
    };

    /// <summary>Publishes and asserts that the broker routed the message to a queue.</summary>
    public static async Task PublishAsync(HttpClient management, string vhost, string messageType, object message)
    {
        using var response = await management.PostAsJsonAsync(PublishPath(vhost, messageType), Body(message, messageType));
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode && answer.Contains("\"routed\":true", StringComparison.Ordinal), answer);
    }
}
