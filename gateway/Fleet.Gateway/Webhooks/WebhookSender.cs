using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Fleet.Contracts;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.Gateway.Webhooks;

/// <summary>
/// Delivers pending webhook deliveries: the job's status document, signed, POSTed to its URL.
/// Deliveries are rows written with the job's ending, so none is lost when the gateway restarts,
/// and each is sent only after that ending committed. Every attempt is recorded; failures are
/// retried with exponential backoff and jitter until the attempts run out. Up to
/// <see cref="WebhookOptions.Concurrency"/> run at once, each under its own timeout, so a slow
/// receiver holds up nothing else. Receivers drop repeats by the delivery id header.
/// </summary>
public sealed class WebhookSender(
    NpgsqlDataSource database, IHttpClientFactory http, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookSender> log)
    : BackgroundService
{
    public const string HttpClientName = "webhooks";

    private static readonly TimeSpan s_maxDelay = TimeSpan.FromMinutes(30);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<Guid, byte> _inFlight = new();

    /// <summary>Called after a transaction that created deliveries committed: look now, not at the next tick.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(options.Value.Concurrency);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var delivery in await ReadDueAsync(stoppingToken))
                {
                    if (!_inFlight.TryAdd(delivery.Id, 0))
                    {
                        continue;
                    }

                    await slots.WaitAsync(stoppingToken);
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await DeliverAsync(delivery, stoppingToken);
                        }
                        finally
                        {
                            _inFlight.TryRemove(delivery.Id, out _);
                            slots.Release();
                        }
                    }, CancellationToken.None);
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                log.LogWarning("Reading due webhook deliveries failed: {Error}", e.Message);
            }

            using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            tick.CancelAfter(TimeSpan.FromSeconds(1));
            try
            {
                await _wake.Reader.ReadAsync(tick.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The periodic look for retries that came due.
            }
        }
    }

    private async Task<List<Due>> ReadDueAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"SELECT d.id, d.url, d.attempts, {string.Join(", ", JobRows.Columns.Split(", ").Select(c => "j." + c))} " +
            "FROM webhook_deliveries d JOIN jobs j ON j.id = d.job_id " +
            "WHERE d.state = 'pending' AND d.next_attempt_at <= $1 ORDER BY d.next_attempt_at LIMIT 200");
        command.Parameters.Add(new() { Value = time.GetUtcNow().UtcDateTime });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var due = new List<Due>();
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new Due(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), JobRows.Read(reader, offset: 3)));
        }

        return due;
    }

    private async Task DeliverAsync(Due delivery, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        var body = JsonSerializer.SerializeToUtf8Bytes(JobStatusMapper.ToDocument(delivery.Job, now));
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var timestamp = now.ToUnixTimeSeconds().ToString();
        request.Headers.Add(FleetNames.WebhookIdHeader, delivery.Id.ToString());
        request.Headers.Add(FleetNames.WebhookTimestampHeader, timestamp);
        if (!string.IsNullOrEmpty(options.Value.Secret))
        {
            request.Headers.Add(FleetNames.WebhookSignatureHeader, Sign(options.Value.Secret, timestamp, body));
        }

        int? status = null;
        string? error = null;
        var started = time.GetTimestamp();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(options.Value.AttemptTimeout);
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            error = e is OperationCanceledException ? $"no answer within {options.Value.AttemptTimeout.TotalSeconds:0.#} s" : e.GetBaseException().Message;
        }

        var duration = (int)time.GetElapsedTime(started).TotalMilliseconds;
        var delivered = status is >= 200 and < 300;
        var attempt = delivery.Attempts + 1;
        var state = delivered ? "delivered" : attempt >= options.Value.MaxAttempts ? "failed" : "pending";
        await RecordAsync(delivery.Id, now, status, error, duration, state, now + RetryBackoff.Delay(attempt, options.Value.FirstRetryDelay, s_maxDelay), CancellationToken.None);
        if (state != "pending")
        {
            log.LogInformation("Webhook delivery {DeliveryId} of job {JobId}: {State} after {Attempts} attempts", delivery.Id, delivery.Job.Id, state, attempt);
        }
    }

    private async Task RecordAsync(
        Guid id, DateTimeOffset at, int? status, string? error, int durationMs, string state, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            UPDATE webhook_deliveries SET attempts = attempts + 1, state = $2, next_attempt_at = $3,
                delivered_at = CASE WHEN $2 = 'delivered' THEN $4 END,
                attempt_log = attempt_log || jsonb_build_array(jsonb_build_object('at', $4, 'status', $5::int, 'error', $6::text, 'durationMs', $7))
            WHERE id = $1
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = state });
        command.Parameters.Add(new() { Value = nextAttemptAt.UtcDateTime });
        command.Parameters.Add(new() { Value = at.UtcDateTime });
        command.Parameters.Add(new() { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = durationMs });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary><c>v1=</c> and the hex HMAC-SHA256 of <c>timestamp + "." + body</c> (README shows how to check it).</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp + ".", signed);
        body.CopyTo(signed.AsSpan(timestamp.Length + 1));
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    private sealed record Due(Guid Id, string Url, int Attempts, JobRecord Job);
}
