using System.Text.Json;

namespace Fleet.Gateway.Jobs;

/// <summary>A validated body of <c>run</c> / <c>runsync</c>.</summary>
public sealed record JobSubmission(JsonElement Input, string? Webhook, JobPolicy Policy);
