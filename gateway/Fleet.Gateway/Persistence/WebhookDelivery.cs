namespace Fleet.Gateway.Persistence;

/// <summary>
/// One delivery of a job's status document to its webhook, written in the transaction that ended
/// the job; the sender works through pending ones and records every attempt.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }

    public Guid JobId { get; set; }

    public required string Url { get; set; }

    /// <summary><c>pending</c>, <c>delivered</c> or <c>failed</c> (attempts ran out).</summary>
    public required string State { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>Every attempt: when, HTTP status or error, duration (jsonb array).</summary>
    public string AttemptLog { get; set; } = "[]";
}
