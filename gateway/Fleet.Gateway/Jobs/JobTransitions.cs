using Fleet.Contracts.Endpoints;
using Fleet.Gateway.Outbox;
using Fleet.Gateway.Routing;
using Fleet.Gateway.Storage;
using Fleet.Gateway.Webhooks;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// The transitions of jobs after acceptance, for the API and the background services: each is one
/// <see cref="JobStore"/> transaction, followed by what the committed change sets off here (the relay
/// sends its broadcast, the webhook sender looks for new deliveries, a waiting runsync answers).
/// </summary>
public sealed class JobTransitions(
    JobStore store, JobQueries queries, JobRouter router, OutboxRelay relay, WebhookSender webhooks, JobCompletionNotifier notifier,
    TimeProvider time)
{
    // Jobs ended per transaction by the transitions of many jobs.
    private const int Round = 1_000;

    /// <summary>Cancels a queued or running job: a queued one never starts; a running one's handler sees its token.</summary>
    public async Task<TransitionOutcome> CancelAsync(string endpointId, Guid jobId, CancellationToken cancellationToken)
    {
        var ended = await store.CancelAsync(endpointId, jobId, time.GetUtcNow(), cancellationToken);
        await AfterEndedAsync(ended, cancellationToken);
        return ended.Ids.Count == 1 ? TransitionOutcome.Done : await WhyNotAsync(endpointId, jobId, cancellationToken);
    }

    /// <summary>Cancels every queued job of the endpoint; running jobs go on.</summary>
    public async Task<int> PurgeQueueAsync(string endpointId, CancellationToken cancellationToken)
    {
        var ended = await store.PurgeQueueAsync(endpointId, time.GetUtcNow(), cancellationToken);
        await AfterEndedAsync(ended, cancellationToken);
        return ended.Ids.Count;
    }

    /// <summary>
    /// Cancels every queued or running job of a deleted endpoint, the usual way (webhooks fire, workers stop
    /// running ones), in rounds of at most 1000; rows busy elsewhere are taken in a later round.
    /// </summary>
    public Task<int> CancelAllOfAsync(string endpointId, string reason, CancellationToken cancellationToken) =>
        InRoundsAsync(now => store.CancelAllOfAsync(endpointId, reason, Round, now, cancellationToken), cancellationToken);

    /// <summary>Fails every queued job of an endpoint whose workers cannot start, with <paramref name="error"/>, in rounds.</summary>
    public Task<int> FailQueuedOfAsync(string endpointId, string error, CancellationToken cancellationToken) =>
        InRoundsAsync(now => store.FailQueuedOfAsync(endpointId, error, Round, now, cancellationToken), cancellationToken);

    /// <summary>Ends, as TIMED_OUT, queued jobs that waited longer than their ttl.</summary>
    public async Task<int> ExpireQueuedAsync(CancellationToken cancellationToken)
    {
        var ended = await store.ExpireQueuedAsync(time.GetUtcNow(), cancellationToken);
        await AfterEndedAsync(ended, cancellationToken);
        return ended.Ids.Count;
    }

    /// <summary>
    /// Running jobs whose lease ran out: each is queued again as a new attempt, or fails once it has lost
    /// <paramref name="maxLosses"/> workers, so a job that kills its worker cannot loop forever.
    /// </summary>
    public async Task<(int Requeued, int Failed)> ReapLostAsync(int maxLosses, CancellationToken cancellationToken)
    {
        if (!await store.AnyLeaseExpiredAsync(cancellationToken))
        {
            return (0, 0);
        }

        var failed = await store.FailLostAsync(maxLosses, time.GetUtcNow(), cancellationToken);
        await AfterEndedAsync(failed, cancellationToken);
        var (requeued, superseded) = await store.RequeueLostAsync(maxLosses, time.GetUtcNow(), cancellationToken);
        if (superseded is not null)
        {
            relay.Enqueue([superseded]);
            relay.Wake();
        }

        return (requeued, failed.Ids.Count);
    }

    /// <summary>Queues a FAILED or TIMED_OUT job again under the same id, as a new attempt with its original input.</summary>
    public async Task<TransitionOutcome> RetryAsync(EndpointDefinition endpoint, Guid jobId, CancellationToken cancellationToken)
    {
        if (!await store.RetryAsync(
            endpoint.Id, jobId, (preferGpu, memory) => router.Route(endpoint, preferGpu, memory), time.GetUtcNow(), cancellationToken))
        {
            return await WhyNotAsync(endpoint.Id, jobId, cancellationToken);
        }

        relay.Wake();
        return TransitionOutcome.Done;
    }

    /// <summary>Retries up to <paramref name="limit"/> of the endpoint's jobs in the given end states, oldest first.</summary>
    public async Task<int> RedriveAsync(EndpointDefinition endpoint, IReadOnlyList<string> statuses, int limit,
        CancellationToken cancellationToken)
    {
        var retried = 0;
        foreach (var job in (await queries.ListAsync(endpoint.Id, statuses, null, limit, cancellationToken)).AsEnumerable().Reverse())
        {
            retried += await RetryAsync(endpoint, Guid.Parse(job.Id), cancellationToken) == TransitionOutcome.Done ? 1 : 0;
        }

        return retried;
    }

    private async Task<int> InRoundsAsync(Func<DateTimeOffset, Task<EndedJobs>> round, CancellationToken cancellationToken)
    {
        var ended = 0;
        while (true)
        {
            var these = await round(time.GetUtcNow());
            await AfterEndedAsync(these, cancellationToken);
            ended += these.Ids.Count;
            if (these.Ids.Count < Round)
            {
                return ended;
            }
        }
    }

    /// <summary>Why a transition matched no job: there is none, or it is in the wrong state.</summary>
    private async Task<TransitionOutcome> WhyNotAsync(string endpointId, Guid jobId, CancellationToken cancellationToken) =>
        await queries.ExistsAsync(endpointId, jobId, cancellationToken) ? TransitionOutcome.NotAllowed : TransitionOutcome.NotFound;

    private async Task AfterEndedAsync(EndedJobs ended, CancellationToken cancellationToken)
    {
        if (ended.Broadcast is null)
        {
            return;
        }

        relay.Enqueue([ended.Broadcast]);
        if (ended.Webhooks)
        {
            webhooks.Wake();
        }

        // A runsync waiting on one of these jobs answers now, with its final status.
        foreach (var id in ended.Ids.Where(notifier.IsWatched))
        {
            if (await queries.FindAsync(null, id, cancellationToken) is { } document)
            {
                notifier.Completed(id, document);
            }
        }
    }
}
