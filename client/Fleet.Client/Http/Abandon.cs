namespace Fleet.Client.Http;

/// <summary>
/// Cancels, best effort, the jobs whose results nobody will read any more (the caller's token was
/// cancelled, a map was left early). Never throws: it runs while another exception is on its way.
/// </summary>
internal static class Abandon
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(10);

    public static async Task JobsAsync(FleetHttp http, string endpoint, IReadOnlyCollection<string> ids)
    {
        using var limit = new CancellationTokenSource(s_limit);
        try
        {
            await Parallel.ForEachAsync(
                ids, new ParallelOptions { MaxDegreeOfParallelism = http.Options.MaxConcurrentRequests, CancellationToken = limit.Token },
                async (id, token) =>
                {
                    try
                    {
                        await http.CancelAsync(endpoint, id, token);
                    }
                    catch (Exception e) when (e is FleetApiException or HttpRequestException)
                    {
                        // Ended meanwhile, or unreachable: nothing more to do for this one.
                    }
                });
        }
        catch (OperationCanceledException)
        {
            // Out of time: the jobs left run to their end.
        }
    }
}
