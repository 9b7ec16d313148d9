using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Fleet.Client.Http;

namespace Fleet.Client.Mapping;

/// <summary>
/// A map's HTTP side for one endpoint: Fleet's <c>batch/run</c> and <c>batch/status</c> (a long poll)
/// where the server has them, else RunPod's routes: one <c>/run</c> per input and per-job
/// <c>/status</c> reads every <see cref="FleetClientOptions.PollInterval"/>.
/// </summary>
internal sealed class FleetMapTransport(FleetHttp http, string endpoint, RouteSupport routes) : IJobMapTransport
{
    public async Task<IReadOnlyList<SubmitOutcome>> SubmitAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken)
    {
        if (http.Options.UseFleetRoutes && !routes.BatchRunMissing)
        {
            try
            {
                return await http.BatchRunAsync(endpoint, jobs, cancellationToken);
            }
            catch (FleetApiException e) when (IsMissingRoute(e))
            {
                routes.BatchRunMissing = true;
            }
        }

        var outcomes = new SubmitOutcome[jobs.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs.Count), Concurrently(cancellationToken), async (i, token) =>
        {
            try
            {
                outcomes[i] = new SubmitOutcome(await http.RunAsync(endpoint, jobs[i], token), null);
            }
            catch (FleetApiException e) when (e.StatusCode == HttpStatusCode.BadRequest)
            {
                outcomes[i] = new SubmitOutcome(null, e);
            }
        });
        return outcomes;
    }

    public async Task<PollResult> PollAsync(IReadOnlyList<string> ids, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (http.Options.UseFleetRoutes && !routes.BatchStatusMissing)
        {
            try
            {
                return await http.BatchStatusAsync(endpoint, ids, wait, cancellationToken);
            }
            catch (FleetApiException e) when (IsMissingRoute(e))
            {
                routes.BatchStatusMissing = true;
            }
        }

        // RunPod's way: read each job's status, and again after the poll interval until one has ended.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var jobs = new ConcurrentBag<FleetJobStatus>();
            var missing = new ConcurrentBag<string>();
            await Parallel.ForEachAsync(ids, Concurrently(cancellationToken), async (id, token) =>
            {
                try
                {
                    jobs.Add(await http.StatusAsync(endpoint, id, wait: null, token));
                }
                catch (FleetApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    missing.Add(id);
                }
            });
            var left = wait - clock.Elapsed;
            if (jobs.Any(j => j.IsFinal) || !missing.IsEmpty || left <= TimeSpan.Zero)
            {
                return new PollResult([.. jobs], [.. missing]);
            }

            await Task.Delay(left < http.Options.PollInterval ? left : http.Options.PollInterval, cancellationToken);
        }
    }

    public Task AbandonAsync(IReadOnlyCollection<string> ids) => Abandon.JobsAsync(http, endpoint, ids);

    /// <summary>
    /// A server without the route answers 404 or 405 (RunPod, an older gateway); an unknown endpoint shows again on /run.
    /// </summary>
    private static bool IsMissingRoute(FleetApiException e) => e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed;

    private ParallelOptions Concurrently(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = http.Options.MaxConcurrentRequests, CancellationToken = cancellationToken };
}
