using Fleet.Gateway.Storage;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// Long-poll reads of job statuses (Fleet additions: <c>status?wait=</c>, <c>batch/status</c>): the
/// answer comes as soon as one of the jobs is final, woken by <see cref="JobCompletionNotifier"/>,
/// so a client stops polling on a timer and the database is read twice at most per request.
/// </summary>
public sealed class JobStatusWaits(JobQueries queries, JobCompletionNotifier notifier, TimeProvider time)
{
    /// <summary>The longest wait a request may ask for.</summary>
    public const int MaxWaitMs = 60_000;

    /// <summary>
    /// The status documents of those of <paramref name="ids"/> that belong to the endpoint, read as
    /// soon as at least one of them is final (at once if one already is), or when
    /// <paramref name="wait"/> has passed.
    /// </summary>
    public async Task<IReadOnlyList<JobStatusDocument>> WhenAnyEndedAsync(
        string endpointId, IReadOnlyList<Guid> ids, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            return await queries.FindManyAsync(endpointId, ids, cancellationToken);
        }

        // Watched before the first read, so an ending that commits in between still wakes this wait.
        var endings = ids.Select(notifier.Watch).ToArray();
        try
        {
            var documents = await queries.FindManyAsync(endpointId, ids, cancellationToken);
            if (documents.Count == 0 || documents.Any(IsFinal))
            {
                return documents;
            }

            try
            {
                await Task.WhenAny(endings).WaitAsync(wait, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // The wait ran out: answer with the current, non-final states.
            }

            return await queries.FindManyAsync(endpointId, ids, cancellationToken);
        }
        finally
        {
            for (var i = 0; i < ids.Count; i++)
            {
                notifier.Forget(ids[i], endings[i]);
            }
        }
    }

    /// <summary>The job's status document once it is final or <paramref name="wait"/> has passed; null for no such job.</summary>
    public async Task<JobStatusDocument?> WhenEndedAsync(string endpointId, Guid id, TimeSpan wait, CancellationToken cancellationToken) =>
        await WhenAnyEndedAsync(endpointId, [id], wait, cancellationToken) is [var document] ? document : null;

    private static bool IsFinal(JobStatusDocument document) => JobStatusWire.IsFinal(document.Status);
}
