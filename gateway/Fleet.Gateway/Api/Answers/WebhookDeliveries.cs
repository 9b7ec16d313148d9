using System.Text.Json.Serialization;
using Fleet.Gateway.Webhooks;

namespace Fleet.Gateway.Api;

/// <summary>The answer of <c>GET /webhooks/{jobId}</c>: the job's deliveries, oldest first.</summary>
public sealed record WebhookDeliveries([property: JsonPropertyName("deliveries")] IReadOnlyList<WebhookDeliveryDocument> Deliveries);
