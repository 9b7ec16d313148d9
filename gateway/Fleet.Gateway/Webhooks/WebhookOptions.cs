using System.ComponentModel.DataAnnotations;

namespace Fleet.Gateway.Webhooks;

/// <summary>Section <c>Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Signing secret for every delivery (HMAC-SHA256); deliveries are unsigned without one.</summary>
    public string? Secret { get; set; }

    /// <summary>Attempts before a delivery is recorded as failed (8 over about an hour by default).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed attempt; it doubles after each (with jitter), up to 30 min.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt may take, connect to last byte.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries in flight at once, so slow receivers cannot hold up the others.</summary>
    [Range(1, 1000)]
    public int Concurrency { get; set; } = 32;

    /// <summary>
    /// Hosts or IP addresses allowed even though they are loopback, private, link-local or cloud
    /// metadata addresses (refused by default). Matched against the URL's host and its addresses.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];
}
