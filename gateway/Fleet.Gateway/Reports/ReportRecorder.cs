using Fleet.Contracts;
using System.Runtime.InteropServices;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Storage;
using Fleet.Gateway.Webhooks;
using Fleet.Gateway.Workers;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.Gateway.Reports;

/// <summary>
/// Records what workers report, a batch per transaction (group commit): all the batch's statements go
/// in one <see cref="NpgsqlBatch"/>, one round trip, which PostgreSQL runs as one implicit transaction.
/// Each statement is guarded by the job's status and attempt (<see cref="JobStore"/>), so a report that
/// arrives late, twice, for an older attempt, or after a cancellation changes nothing.
/// </summary>
public sealed class ReportRecorder(
    NpgsqlDataSource database,
    EndpointCatalog endpoints,
    JobCompletionNotifier notifier,
    WebhookSender webhookSender,
    LiveWorkers liveWorkers,
    IOptions<LeaseOptions> leases,
    TimeProvider time)
    : GroupCommitWriter<object, bool>
{
    public Task RecordAsync(object report, CancellationToken cancellationToken) => WriteAsync(report, cancellationToken);

    protected override async Task<IReadOnlyList<bool>> WriteBatchAsync(IReadOnlyList<object> items, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var leaseSeconds = leases.Value.Seconds;
        // One report per job (or worker) and batch, the latest: one UPDATE must not meet a row twice.
        var started = Latest(items.OfType<JobStarted>(), s => s.JobId, s => s.StartedAt);
        var progress = Latest(items.OfType<JobProgressed>(), p => p.JobId, p => p.At);
        var heartbeats = Latest(items.OfType<WorkerHeartbeat>(), h => h.WorkerId, h => h.SentAt);
        var (endings, retries) = Outcomes(items);
        var held = heartbeats.SelectMany(h => h.RunningJobs.Select(job => (h.WorkerId, job))).ToList();
        var chunks = items.OfType<JobStreamed>().ToList();

        await using var batch = database.CreateBatch();
        batch.With(progress.Count > 0 ? JobStore.Progressed(progress, leaseSeconds) : null)
            .With(chunks.Count > 0 ? StreamChunkStore.Stored(chunks) : null)
            .With(started.Count > 0 ? JobStore.Started(started, leaseSeconds) : null)
            .With(heartbeats.Count > 0 ? WorkerStore.Seen(heartbeats) : null)
            .With(held.Count > 0 ? JobStore.LeasesRenewed(held, leaseSeconds) : null)
            .With(endings.Count > 0 ? JobStore.Ended(endings, now) : null)
            .With(retries.Count > 0 ? JobStore.Retried(retries, now) : null);

        var endedRows = new List<JobStatusRow>();
        var webhooks = false;
        if (batch.BatchCommands.Count > 0)
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            do
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    endedRows.Add(JobRows.Read(reader));
                    webhooks |= reader.GetBoolean(JobRows.Count);
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }

        if (webhooks)
        {
            webhookSender.Wake();
        }

        if (heartbeats.Count > 0)
        {
            liveWorkers.Refresh();
        }

        // The database returns no output (the report has it): a waiting runsync gets the report's bytes.
        var outputs = endings.ToDictionary(e => e.JobId, e => e.Output);
        foreach (var row in endedRows)
        {
            row.Output = outputs.GetValueOrDefault(row.Id);
            notifier.Completed(row.Id, JobStatusMapper.ToDocument(row, now));
        }

        return new bool[items.Count];
    }

    /// <summary>The batch's endings (one per job) and the failures that leave attempts, which are retried instead.</summary>
    private (List<JobEnding> Endings, List<JobRetry> Retries) Outcomes(IReadOnlyList<object> items)
    {
        var endings = new Dictionary<Guid, JobEnding>();
        var retries = new Dictionary<Guid, JobRetry>();
        foreach (var item in items)
        {
            switch (item)
            {
                case JobSucceeded s:
                    // The output's own bytes: no UTF-16 text, no parse.
                    var output = JsonMarshal.GetRawUtf8Value(s.Output).ToArray();
                    endings[s.JobId] = new(s.JobId, s.Attempt, JobStatusNames.Completed, output, null, s.StartedAt.ToUniversalTime(),
                        s.FinishedAt.ToUniversalTime(), s.WorkerId, s.Device, s.StreamedChunks, s.EndpointVersion);
                    break;
                case JobFailed f when !f.Permanent && !f.TimedOut && endpoints.TryGet(f.EndpointId, out var endpoint)
                    && f.Attempt < endpoint.MaxAttempts:
                    retries[f.JobId] = new(f.JobId, f.Attempt, $"attempt {f.Attempt} failed: {f.Error}", RetryBackoff.DelayMs(f.Attempt));
                    break;
                case JobFailed f:
                    endings[f.JobId] = new(f.JobId, f.Attempt, f.TimedOut ? JobStatusNames.TimedOut : JobStatusNames.Failed, null, f.Error,
                        f.StartedAt.ToUniversalTime(), f.FinishedAt.ToUniversalTime(), f.WorkerId, f.Device, null, f.EndpointVersion);
                    break;
            }
        }

        return ([.. endings.Values], [.. retries.Values]);
    }

    private static List<T> Latest<T, TKey, TOrder>(IEnumerable<T> reports, Func<T, TKey> key, Func<T, TOrder> order) =>
        [.. reports.GroupBy(key).Select(g => g.MaxBy(order)!)];
}
