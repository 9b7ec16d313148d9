using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Fleet.Autoscaler.Signals;

/// <summary>
/// Messages ready plus unacknowledged per queue, from RabbitMQ's management HTTP API: one request
/// for the whole virtual host per tick. Unacknowledged messages are jobs a worker holds, so they
/// count, as KEDA's HTTP mode counts them.
/// </summary>
public sealed class BrokerQueueDepths : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _path;

    public BrokerQueueDepths(IOptions<RabbitMqOptions> options)
    {
        var broker = options.Value;
        _http = new HttpClient
        {
            BaseAddress = new Uri($"http://{broker.Host}:{broker.ManagementPort}/"),
            Timeout = TimeSpan.FromSeconds(3),
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{broker.Username}:{broker.Password}")));
        _path = $"api/queues/{Uri.EscapeDataString(broker.VirtualHost)}?columns=name,messages_ready,messages_unacknowledged";
    }

    /// <summary>Depth by queue name; a queue not declared yet is simply absent (depth 0).</summary>
    public async Task<IReadOnlyDictionary<string, int>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var body = await _http.GetStreamAsync(_path, cancellationToken);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        var depths = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var queue in document.RootElement.EnumerateArray())
        {
            // A queue the broker has not collected statistics for yet has no counts at all.
            depths[queue.GetProperty("name").GetString()!] = Count(queue, "messages_ready") + Count(queue, "messages_unacknowledged");
        }

        return depths;
    }

    public void Dispose() => _http.Dispose();

    private static int Count(JsonElement queue, string field) =>
        queue.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;
}
