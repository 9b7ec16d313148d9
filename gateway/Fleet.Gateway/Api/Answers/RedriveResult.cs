using System.Text.Json.Serialization;

namespace Fleet.Gateway.Api;

public sealed record RedriveResult([property: JsonPropertyName("retried")] int Retried);
