using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Gateway.Webhooks;

/// <summary>
/// One webhook delivery as the deliveries route shows it; <c>attempts</c> lists each try's time, HTTP status or error, and duration.
/// </summary>
public sealed record WebhookDeliveryDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("attemptCount")] int AttemptCount,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("deliveredAt")] DateTimeOffset? DeliveredAt,
    [property: JsonPropertyName("attempts")] JsonElement Attempts);
