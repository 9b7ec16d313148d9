using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Reports;
using Fleet.ServiceDefaults;
using MassTransit;
using Fleet.Gateway.Storage;

namespace Fleet.Gateway.Outbox;

/// <summary>
/// Sends outbox messages to RabbitMQ and deletes their rows once the broker confirmed them.
/// Fast path: a committed transaction hands its messages over in memory, and they are sent at once.
/// Sweep: rows older than a few seconds (the broker was down, the gateway restarted, a send failed)
/// are read back and sent, so an accepted job reaches its queue whatever happened in between. The
/// sweep also sends the rows whose <c>not_before</c> has come: retries waiting out their backoff.
/// Delivery is at least once: a crash between the confirm and the delete sends a message again.
/// A <c>RunJob</c> gets its attempt's report token here, as it leaves: the outbox row never holds it,
/// so reading the database (the autoscaler may) gives no way to forge a report.
/// </summary>
public sealed class OutboxRelay(
    IBus bus, OutboxStore store, EndpointCatalog endpoints, ReportTokens tokens, TimeProvider time, ILogger<OutboxRelay> log)
    : BackgroundService
{
    private static readonly TimeSpan s_sendTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_sweepAge = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_deleteGathering = TimeSpan.FromMilliseconds(50);
    private const int SweepBatch = 1000;
    private const long SweepInputBytes = 16 * 1024 * 1024;

    private readonly Channel<OutboxEnvelope> _fresh = Channel.CreateUnbounded<OutboxEnvelope>(new() { SingleReader = true });
    private readonly Channel<Guid> _sent = Channel.CreateUnbounded<Guid>(new() { SingleReader = true });
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(
        1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Rows being sent or awaiting their delete; the sweep leaves them alone.
    private readonly ConcurrentDictionary<Guid, byte> _inFlight = new();

    /// <summary>Hands over messages whose rows just committed.</summary>
    public void Enqueue(IEnumerable<OutboxEnvelope> envelopes)
    {
        foreach (var envelope in envelopes)
        {
            _inFlight[envelope.Id] = 0;
            _fresh.Writer.TryWrite(envelope);
        }
    }

    /// <summary>Rows were committed that are due now (not_before reached): sweep at once, not at the next tick.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(SendFreshAsync(stoppingToken), SweepAsync(stoppingToken), DeleteSentAsync(stoppingToken));

    private async Task SendFreshAsync(CancellationToken stoppingToken)
    {
        var batch = new List<OutboxEnvelope>(1024);
        while (await _fresh.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < 1024 && _fresh.Reader.TryRead(out var envelope))
            {
                batch.Add(envelope);
            }

            await SendAsync(batch, stoppingToken);
        }
    }

    private async Task SendAsync(List<OutboxEnvelope> batch, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(s_sendTimeout);
        var sends = new Task[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            sends[i] = SendOneAsync(batch[i], timeout.Token);
        }

        try
        {
            await Task.WhenAll(sends);
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Reported per message below.
        }

        var failed = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (sends[i].IsCompletedSuccessfully)
            {
                _sent.Writer.TryWrite(batch[i].Id);
            }
            else
            {
                failed++;
                _inFlight.TryRemove(batch[i].Id, out _); // the sweep will send it again
            }
        }

        if (failed > 0)
        {
            log.LogWarning("Outbox: {Failed} of {Count} messages not sent ({Error}); they stay in the outbox and will be retried",
                failed, batch.Count, sends.First(s => !s.IsCompletedSuccessfully).Exception?.GetBaseException().Message ?? "timed out");
        }
    }

    private async Task SendOneAsync(OutboxEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.Destination is null)
        {
            await bus.Publish(envelope.Message, envelope.MessageType, cancellationToken);
            return;
        }

        var message = envelope.Message is RunJob job ? job with { ReportToken = tokens.For(job.JobId, job.Attempt) } : envelope.Message;
        // GetSendEndpoint takes no token; bounded here so a broker that never answers cannot wedge the relay.
        var endpoint = await bus.GetSendEndpoint(new Uri("queue:" + envelope.Destination)).WaitAsync(cancellationToken);
        await endpoint.Send(message, envelope.MessageType, cancellationToken);
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (stale, more) = await ReadStaleAsync(stoppingToken);
                if (stale.Count > 0)
                {
                    log.LogDebug("Outbox: sending {Count} stored messages", stale.Count);
                    await SendAsync(stale, stoppingToken);
                }

                delay = TimeSpan.FromSeconds(more ? 0 : 1);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                delay = TimeSpan.FromSeconds(Math.Min(10, delay.TotalSeconds * 2));
                log.LogWarning("Outbox sweep failed: {Error}", e.Message);
            }

            using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            tick.CancelAfter(delay);
            try
            {
                await _wake.Reader.ReadAsync(tick.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The periodic sweep.
            }
        }
    }

    /// <summary>
    /// Rows left over (older than the fast path needs) or due (their <c>not_before</c> passed). A
    /// <c>RunJob</c> row is built from its job as it is now; one whose attempt is no longer the job's
    /// queued attempt (cancelled, purged, or sent and started already) is deleted, not sent.
    /// </summary>
    private async Task<(List<OutboxEnvelope> Envelopes, bool More)> ReadStaleAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = await store.ReadDueAsync(now - s_sweepAge, now, SweepBatch, SweepInputBytes, cancellationToken);
        var stale = new List<OutboxEnvelope>(rows.Count);
        foreach (var row in rows.Where(r => _inFlight.TryAdd(r.Id, 0)))
        {
            if (row.Body is { } body)
            {
                var type = OutboxSerialization.TypeOf(row.MessageType);
                stale.Add(new OutboxEnvelope(row.Id, row.Destination, JsonSerializer.Deserialize(body, type,
                    OutboxSerialization.Options)!, type));
            }
            else if (row.Runnable && endpoints.TryGet(row.EndpointId!, out var endpoint))
            {
                var job = RunJobs.Build(
                    row.JobId!.Value, endpoint, row.EndpointVersion, row.Input, row.Attempt!.Value, row.ExecutionTimeoutMs, now);
                stale.Add(OutboxEnvelope.ForRunJob(job, row.Destination!, now) with { Id = row.Id });
            }
            else
            {
                _sent.Writer.TryWrite(row.Id); // nothing to run any more: delete the row unsent
            }
        }

        // A full round (by rows or by input bytes): sweep again at once rather than hold more in memory.
        return (stale, rows.Count >= SweepBatch || rows.Sum(r => (long)(r.Input?.Length ?? 0)) > SweepInputBytes);
    }

    private async Task DeleteSentAsync(CancellationToken stoppingToken)
    {
        var ids = new List<Guid>(4096);
        while (ids.Count > 0 || await _sent.Reader.WaitToReadAsync(stoppingToken))
        {
            // Deletes are off every job's path: gather a moment's worth into one statement.
            await Task.Delay(s_deleteGathering, stoppingToken);
            while (ids.Count < 4096 && _sent.Reader.TryRead(out var id))
            {
                ids.Add(id);
            }

            try
            {
                await store.DeleteAsync(ids, stoppingToken);
                foreach (var id in ids)
                {
                    _inFlight.TryRemove(id, out _);
                }

                ids.Clear();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Keep the ids (and keep them in flight, so the sweep does not send them again).
                log.LogWarning("Outbox: deleting {Count} sent rows failed, retrying: {Error}", ids.Count, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}
