using System.Text.Json;

namespace Fleet.Client;

/// <summary>Where the fleet is and how the client talks to it.</summary>
public sealed class FleetClientOptions
{
    /// <summary>
    /// The gateway's root, e.g. <c>http://127.0.0.1:8080</c> (or RunPod's <c>https://api.runpod.ai</c>); routes are under <c>v2/</c>.
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The API key, sent as <c>Authorization: Bearer KEY</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Use Fleet's additions where they help: <c>batch/run</c> and <c>batch/status</c> for maps, and
    /// long polls (<c>status?wait=</c>) instead of polling on a timer. A server without them (RunPod,
    /// an older gateway) is detected and served through RunPod's routes alone. False: RunPod's routes only.
    /// </summary>
    public bool UseFleetRoutes { get; set; } = true;

    /// <summary>How long one long poll may wait for a job to end (at most 60 s, the gateway's limit).</summary>
    public TimeSpan LongPollWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time between status reads where the server does not long-poll.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Time between reads of a job's stream while it has produced nothing new.</summary>
    public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one HTTP attempt may take, long polls included; more than <see cref="LongPollWait"/>.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Retries of a request refused with 429 or 503 (after its <c>Retry-After</c>, plus jitter), or
    /// lost to a transient failure (5xx, timeout, connection), with exponential backoff and jitter.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = 8;

    /// <summary>Requests at once where a map must use one request per job (a server without the batch routes).</summary>
    public int MaxConcurrentRequests { get; set; } = 32;

    /// <summary>How the endpoints' input and output records are written and read (web defaults: camelCase).</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>Throws <see cref="ArgumentException"/> for settings that cannot work.</summary>
    public void Validate()
    {
        if (BaseAddress is not { IsAbsoluteUri: true })
        {
            throw new ArgumentException("FleetClientOptions.BaseAddress must be an absolute URI, e.g. http://127.0.0.1:8080.");
        }

        if (LongPollWait <= TimeSpan.Zero || LongPollWait > TimeSpan.FromSeconds(60))
        {
            throw new ArgumentException("FleetClientOptions.LongPollWait must be more than 0 and at most 60 s.");
        }

        if (AttemptTimeout <= LongPollWait)
        {
            throw new ArgumentException("FleetClientOptions.AttemptTimeout must be longer than LongPollWait.");
        }

        if (PollInterval <= TimeSpan.Zero || StreamPollInterval <= TimeSpan.Zero || MaxRetryAttempts < 0 || MaxConcurrentRequests < 1)
        {
            throw new ArgumentException("FleetClientOptions: PollInterval and StreamPollInterval must be positive, " +
                "MaxRetryAttempts at least 0, MaxConcurrentRequests at least 1.");
        }
    }
}
