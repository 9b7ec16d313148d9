using Fleet.Client.Http;

namespace Fleet.Client.Mapping;

/// <summary>What a map needs from the server; the HTTP one is <see cref="FleetMapTransport"/>.</summary>
internal interface IJobMapTransport
{
    /// <summary>Submits the jobs; one outcome each, in order. A refused input is an outcome; a refused request throws.</summary>
    Task<IReadOnlyList<SubmitOutcome>> SubmitAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken);

    /// <summary>The jobs' statuses, once at least one of them is final or <paramref name="wait"/> has passed.</summary>
    Task<PollResult> PollAsync(IReadOnlyList<string> ids, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Cancels, best effort and without throwing, jobs whose results will not be read.</summary>
    Task AbandonAsync(IReadOnlyCollection<string> ids);
}
