using System.ComponentModel.DataAnnotations;

namespace Fleet.Gateway.FrontDoor;

/// <summary>Section <c>FrontDoor</c>: what the gateway lets in.</summary>
public sealed class FrontDoorOptions
{
    public const string Section = "FrontDoor";

    /// <summary>Largest <c>run</c> body (413 above it).</summary>
    [Range(1_024, int.MaxValue)]
    public long RunBodyLimitBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest <c>runsync</c> body (413 above it).</summary>
    [Range(1_024, int.MaxValue)]
    public long RunSyncBodyLimitBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Sustained requests per second per API key (token bucket); 0 turns the limit off.</summary>
    [Range(0, 1_000_000)]
    public int RequestsPerSecondPerKey { get; set; } = 5_000;

    /// <summary>Requests a key may send at once above its sustained rate.</summary>
    [Range(1, 10_000_000)]
    public int BurstPerKey { get; set; } = 10_000;

    /// <summary>RunPod's admission rule: 429 when an endpoint's queue holds more than this many jobs …</summary>
    [Range(0, int.MaxValue)]
    public int AdmissionMinQueued { get; set; } = 50;

    /// <summary>… and more than this many per worker the endpoint may have (<c>workersMax</c>).</summary>
    [Range(0, int.MaxValue)]
    public int AdmissionQueuedPerWorker { get; set; } = 500;

    /// <summary>
    /// How often the queued counts are read again. Between reads every accepted job counts as
    /// queued, even one that already ran, so a long interval refuses a fast burst too early.
    /// </summary>
    [Range(50, 10_000)]
    public int AdmissionRefreshMs { get; set; } = 200;

    /// <summary>
    /// Request-body bytes this gateway holds at once, summed over all requests being read and
    /// admitted: beyond it a request is answered 503 with Retry-After before its body is read.
    /// Memory for a body is a small multiple of its size, so this bounds the gateway's memory.
    /// </summary>
    [Range(1_048_576, long.MaxValue)]
    public long BodyBytesInFlight { get; set; } = 128 * 1024 * 1024;

    /// <summary>The same bound for one API key (429 with Retry-After), so one client cannot take all of it.</summary>
    [Range(1_048_576, long.MaxValue)]
    public long BodyBytesInFlightPerKey { get; set; } = 64 * 1024 * 1024;
}
