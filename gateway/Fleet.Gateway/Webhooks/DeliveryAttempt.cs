namespace Fleet.Gateway.Webhooks;

/// <summary>One attempt of a webhook delivery as it is recorded: when, the receiver's answer or the error, and what comes next.</summary>
public sealed record DeliveryAttempt(DateTimeOffset At, int? Status, string? Error, int DurationMs, string State,
    DateTimeOffset NextAttemptAt);
