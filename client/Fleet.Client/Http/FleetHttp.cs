using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Fleet.Client.Http;

/// <summary>
/// The wire: RunPod's routes under <c>v2/{endpoint}/</c> and Fleet's additions, JSON bodies in and
/// out, and every refusal turned into a <see cref="FleetApiException"/>. Retries live in the
/// HttpClient's pipeline (<see cref="FleetResilience"/>), not here.
/// </summary>
internal sealed class FleetHttp(HttpClient http, FleetClientOptions options)
{
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly IReadOnlyDictionary<string, string[]> Empty = new Dictionary<string, string[]>();

    private readonly Uri _v2 = new(options.BaseAddress!.AbsoluteUri.TrimEnd('/') + "/v2/");

    private readonly Uri _v1 = new(options.BaseAddress!.AbsoluteUri.TrimEnd('/') + "/v1/");

    /// <summary>How the wire's own documents (status, problems) are read.</summary>
    public static JsonSerializerOptions Wire { get; } = new(JsonSerializerDefaults.Web);

    public FleetClientOptions Options => options;

    public async Task<string> RunAsync(string endpoint, JobRequest job, CancellationToken cancellationToken)
    {
        using var message = Post(endpoint, "run", writer => job.Write(writer, withIdempotencyKey: false));
        message.Headers.Add(IdempotencyKeyHeader, job.IdempotencyKey);
        using var answer = await SendAsync(message, cancellationToken);
        return answer.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Fleet's <c>batch/run</c>: one outcome per job, in order; a refused item is an outcome, not an exception.</summary>
    public async Task<IReadOnlyList<SubmitOutcome>> BatchRunAsync(
        string endpoint, IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken)
    {
        using var message = Post(endpoint, "batch/run", writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items");
            foreach (var job in jobs)
            {
                job.Write(writer, withIdempotencyKey: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        using var answer = await SendAsync(message, cancellationToken);
        var items = answer.RootElement.GetProperty("items");
        if (items.GetArrayLength() != jobs.Count)
        {
            throw new FleetApiException(HttpStatusCode.OK, "bad answer",
                $"{items.GetArrayLength()} items for {jobs.Count} submitted", Empty, Describe(message));
        }

        return [.. items.EnumerateArray().Select((item, i) => item.TryGetProperty("error", out var error)
            ? new SubmitOutcome(null, FleetApiException.From(HttpStatusCode.BadRequest, error, $"{Describe(message)} item {i}"))
            : new SubmitOutcome(item.GetProperty("id").GetString(), null))];
    }

    /// <summary>A job's status; with <paramref name="wait"/> a Fleet long poll (other servers answer at once).</summary>
    public async Task<FleetJobStatus> StatusAsync(string endpoint, string id, TimeSpan? wait, CancellationToken cancellationToken)
    {
        var route = $"status/{Uri.EscapeDataString(id)}" + (wait is { } w ? $"?wait={(int)w.TotalMilliseconds}" : "");
        using var message = new HttpRequestMessage(HttpMethod.Get, Route(endpoint, route));
        using var answer = await SendAsync(message, cancellationToken);
        return answer.RootElement.Deserialize<FleetJobStatus>(Wire)!;
    }

    /// <summary>Fleet's <c>batch/status</c>: answered once one of the jobs is final, or when <paramref name="wait"/> runs out.</summary>
    public async Task<PollResult> BatchStatusAsync(
        string endpoint, IReadOnlyList<string> ids, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var message = Post(endpoint, "batch/status", writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("ids");
            foreach (var id in ids)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
            writer.WriteNumber("wait", (int)wait.TotalMilliseconds);
            writer.WriteEndObject();
        });
        using var answer = await SendAsync(message, cancellationToken);
        return new PollResult(
            answer.RootElement.GetProperty("jobs").Deserialize<List<FleetJobStatus>>(Wire)!,
            [.. answer.RootElement.GetProperty("missing").EnumerateArray().Select(m => m.GetString()!)]);
    }

    /// <summary>Cancels a queued or running job; false if it had ended already (409).</summary>
    public async Task<bool> CancelAsync(string endpoint, string id, CancellationToken cancellationToken)
    {
        using var message = Post(endpoint, $"cancel/{Uri.EscapeDataString(id)}", body: null);
        try
        {
            using var answer = await SendAsync(message, cancellationToken);
            return true;
        }
        catch (FleetApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    public async Task<StreamPage> StreamAsync(string endpoint, string id, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, Route(endpoint, $"stream/{Uri.EscapeDataString(id)}"));
        using var answer = await SendAsync(message, cancellationToken);
        var root = answer.RootElement;
        var chunks = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.Array
            ? stream.EnumerateArray().Select(c => c.GetProperty("output").Clone()).ToList()
            : [];
        return new StreamPage(root.GetProperty("status").Deserialize<FleetJobState>(Wire), chunks);
    }

    /// <summary>Fleet's dead letters: <c>GET jobs?status=…&amp;limit=…&amp;before=…</c>.</summary>
    public async Task<FleetJobPage> ListJobsAsync(
        string endpoint, IReadOnlyCollection<FleetJobState>? states, int limit, string? before, CancellationToken cancellationToken)
    {
        var query = Query(states, limit) + (before is null ? "" : "&before=" + Uri.EscapeDataString(before));
        using var message = new HttpRequestMessage(HttpMethod.Get, Route(endpoint, "jobs" + query));
        using var answer = await SendAsync(message, cancellationToken);
        var next = answer.RootElement.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        return new FleetJobPage(answer.RootElement.GetProperty("jobs").Deserialize<List<FleetJobStatus>>(Wire)!, next);
    }

    /// <summary>Fleet's re-drive of dead letters: how many were queued again.</summary>
    public async Task<int> RedriveAsync(string endpoint, IReadOnlyCollection<FleetJobState>? states,
        int limit, CancellationToken cancellationToken)
    {
        using var message = Post(endpoint, "redrive" + Query(states, limit), body: null);
        using var answer = await SendAsync(message, cancellationToken);
        return answer.RootElement.GetProperty("retried").GetInt32();
    }

    public async Task<FleetEndpointHealth> HealthAsync(string endpoint, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, Route(endpoint, "health"));
        using var answer = await SendAsync(message, cancellationToken);
        var jobs = answer.RootElement.GetProperty("jobs");
        var workers = answer.RootElement.GetProperty("workers");
        long Count(string name) => jobs.TryGetProperty(name, out var value) ? value.GetInt64() : 0;
        return new FleetEndpointHealth(Count("completed"), Count("failed"), Count("inProgress"), Count("inQueue"), Count("retried"),
            workers.GetProperty("idle").GetInt32(), workers.GetProperty("running").GetInt32());
    }

    public async Task<int> PurgeQueueAsync(string endpoint, CancellationToken cancellationToken)
    {
        using var message = Post(endpoint, "purge-queue", body: null);
        using var answer = await SendAsync(message, cancellationToken);
        return answer.RootElement.GetProperty("removed").GetInt32();
    }

    /// <summary>The management API (<c>v1/…</c>, admin keys): a JSON document in, if any, and one out.</summary>
    public async Task<JsonDocument> ManageAsync(HttpMethod method, string route, JsonElement? body, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(method, new Uri(_v1, route));
        if (body is { } document)
        {
            // Bytes, not a stream: the resilience pipeline sends the same content again on a retry.
            message.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(document, Wire));
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return await SendAsync(message, cancellationToken);
    }

    private static string Query(IReadOnlyCollection<FleetJobState>? states, int limit) =>
        $"?limit={limit}" + (states is { Count: > 0 } ? "&status=" + string.Join(',', states.Select(WireName)) : "");

    /// <summary>The upper-case name of a state on the wire (<c>TIMED_OUT</c>).</summary>
    public static string WireName(FleetJobState state) => JsonSerializer.Serialize(state, Wire).Trim('"');

    private Uri Route(string endpoint, string route) => new(_v2, $"{Uri.EscapeDataString(endpoint)}/{route}");

    /// <summary>A POST with a JSON body written by <paramref name="body"/>; RunPod's cancel and purge take an empty one.</summary>
    private HttpRequestMessage Post(string endpoint, string route, Action<Utf8JsonWriter>? body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        if (body is not null)
        {
            using var writer = new Utf8JsonWriter(buffer);
            body(writer);
        }

        // Bytes, not a stream: the resilience pipeline sends the same content again on a retry.
        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpRequestMessage(HttpMethod.Post, Route(endpoint, route)) { Content = content };
    }

    private async Task<JsonDocument> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        if (options.ApiKey is { } key)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await http.SendAsync(message, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw FleetApiException.From(response.StatusCode, body, Describe(message));
        }

        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw FleetApiException.From(response.StatusCode, body, Describe(message));
        }
    }

    private static string Describe(HttpRequestMessage message) => $"{message.Method} {message.RequestUri?.AbsolutePath}";
}
