using Fleet.Gateway.Admission;
using Fleet.Gateway.Storage;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// <c>runsync</c>: accepts the job and waits for its ending, woken by <see cref="JobCompletionNotifier"/>
/// (no polling of the database); when the wait runs out first, answers with its current status.
/// </summary>
public sealed class RunSyncWaits(JobCompletionNotifier notifier, JobQueries queries, JobStore store)
{
    /// <summary>
    /// The job's final status document, or its current one when <paramref name="wait"/> ran out; null if
    /// the job was lost (accepted with a deferred flush, then gone with a database restart).
    /// </summary>
    public async Task<JobStatusDocument?> RunAsync(AdmissionResult admitted, JobSubmitter submitter, TimeSpan wait,
        CancellationToken cancellationToken)
    {
        var endpointId = admitted.Endpoint.Id;
        var jobId = Guid.CreateVersion7();
        // Watched before it is accepted, so its ending cannot be missed.
        var ended = notifier.Watch(jobId);
        try
        {
            Guid accepted;
            using (admitted)
            {
                // The body's bytes are held (and counted against the body budget) only until the job is stored.
                accepted = await submitter.AcceptAsync(
                    jobId, admitted.Endpoint, admitted.Submission!, admitted.IdempotencyKey, answeredAfterEnding: true, cancellationToken);
            }

            if (accepted != jobId)
            {
                // A repeated idempotency key: wait for the first job instead, which may have ended already.
                notifier.Forget(jobId);
                jobId = accepted;
                ended = notifier.Watch(jobId);
                if (await queries.FindAsync(endpointId, jobId, cancellationToken) is { } current && JobStatusWire.IsFinal(current.Status))
                {
                    return current;
                }
            }

            return await ended.WaitAsync(wait, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The wait ended first: answer like RunPod, with the job's current (non-final) status and id.
        }
        finally
        {
            notifier.Forget(jobId);
        }

        // Its id is handed out now, before its ending: it must be on disk first.
        return await store.EnsureDurableAsync(jobId, cancellationToken) ? await queries.FindAsync(endpointId, jobId, cancellationToken)
            : null;
    }
}
