using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Fleet.Contracts;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Storage;
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
    WebhookDeliveryStore deliveries, IHttpClientFactory http, IOptions<WebhookOptions> options, TimeProvider time,
        ILogger<WebhookSender> log)
    : BackgroundService
{
    public const string HttpClientName = "webhooks";

    private static readonly TimeSpan s_maxDelay = TimeSpan.FromMinutes(30);

    // A claim outlasts its attempt's timeout by this much, so a slow database write of the result is no race.
    private static readonly TimeSpan s_claimMargin = TimeSpan.FromSeconds(30);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(
        1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Called after a transaction that created deliveries committed: look now, not at the next tick.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var concurrency = options.Value.Concurrency;
        using var slots = new SemaphoreSlim(concurrency);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Claim only as many as can be sent now: a claimed row waits for no slot, so it is never
                // sent from a list that went stale while an earlier send of it finished (the cause of
                // repeated POSTs when more than Concurrency deliveries came due at once).
                await slots.WaitAsync(stoppingToken);
                var free = 1;
                while (free < concurrency && slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                var claimed = new List<DueDelivery>();
                try
                {
                    claimed = await ClaimDueAsync(free, stoppingToken);
                }
                finally
                {
                    if (free > claimed.Count)
                    {
                        slots.Release(free - claimed.Count);
                    }
                }

                foreach (var delivery in claimed)
                {
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await DeliverAsync(delivery, stoppingToken);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }, CancellationToken.None);
                }

                if (claimed.Count == free)
                {
                    continue; // More may be due: claim again as soon as a slot frees.
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                log.LogWarning("Claiming due webhook deliveries failed: {Error}", e.Message);
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

    /// <summary>
    /// Takes up to <paramref name="count"/> due deliveries for this sender (<see cref="WebhookDeliveryStore.ClaimDueAsync"/>):
    /// no other loop or gateway sees them due until the claim runs out, past the attempt's timeout. If this
    /// gateway dies mid-send, the delivery comes due again then (at least once, never twice while all is well).
    /// </summary>
    private Task<List<DueDelivery>> ClaimDueAsync(int count, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Microsecond precision, as PostgreSQL stores it, so the record's match on it is exact.
        var claimedUntil = new DateTimeOffset((now + options.Value.AttemptTimeout + s_claimMargin).Ticks / 10 * 10, TimeSpan.Zero);
        return deliveries.ClaimDueAsync(now, claimedUntil, count, cancellationToken);
    }

    private async Task DeliverAsync(DueDelivery delivery, CancellationToken stoppingToken)
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
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead,
                timeout.Token);
            status = (int)response.StatusCode;
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            error = e is OperationCanceledException ? $"no answer within {options.Value.AttemptTimeout.TotalSeconds:0.#} s"
                : e.GetBaseException().Message;
        }

        var duration = (int)time.GetElapsedTime(started).TotalMilliseconds;
        var delivered = status is >= 200 and < 300;
        // A redirect is an answer, not a fault: redirects are not followed (SSRF), so trying again cannot help.
        var redirected = status is >= 300 and < 400;
        var attempt = delivery.Attempts + 1;
        var state = delivered ? "delivered" : redirected || attempt >= options.Value.MaxAttempts ? "failed" : "pending";
        if (redirected)
        {
            error = $"redirected (HTTP {status}); webhooks do not follow redirects";
        }

        var next = now + RetryBackoff.Delay(attempt, options.Value.FirstRetryDelay, s_maxDelay);
        if (!await deliveries.RecordAsync(delivery, new DeliveryAttempt(now, status, error, duration, state, next), CancellationToken.None))
        {
            log.LogWarning(
                "Webhook delivery {DeliveryId}: its claim ran out before the attempt was recorded; the attempt is not recorded",
                delivery.Id);
        }

        if (state != "pending")
        {
            log.LogInformation("Webhook delivery {DeliveryId} of job {JobId}: {State} after {Attempts} attempts", delivery.Id,
                delivery.Job.Id, state, attempt);
        }
    }

    /// <summary><c>v1=</c> and the hex HMAC-SHA256 of <c>timestamp + "." + body</c> (README shows how to check it).</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp + ".", signed);
        body.CopyTo(signed.AsSpan(timestamp.Length + 1));
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
