using System.Net;
using System.Runtime.CompilerServices;
using Fleet.Client.Http;

namespace Fleet.Client.Mapping;

/// <summary>
/// Runs a map: submits inputs in batches while fewer than <see cref="MapSettings.MaxInFlight"/> are
/// submitted and not yet handed out, reads the pending jobs' states in one long poll at a time, and
/// hands out each input's outcome in input or completion order. Jobs still pending when the caller
/// stops (its token, an exception, leaving the loop early) are cancelled on the fleet.
/// </summary>
internal static class JobMapper
{
    /// <summary>The most ids one status read asks about (the limit of <c>batch/status</c>).</summary>
    public const int MaxPollIds = 1000;

    public static async IAsyncEnumerable<MapOutcome> RunAsync(
        IAsyncEnumerable<JobRequest> requests, IJobMapTransport transport, MapSettings settings,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Job id → the inputs waiting for it (two inputs sent with one idempotency key share a job).
        var pending = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var ready = new ReadyOutcomes(settings.Order);
        int submitted = 0, handedOut = 0;
        var exhausted = false;
        var source = requests.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                while (!exhausted && submitted - handedOut < settings.MaxInFlight)
                {
                    var room = Math.Min(settings.BatchSize, settings.MaxInFlight - (submitted - handedOut));
                    var batch = new List<JobRequest>(room);
                    while (batch.Count < room)
                    {
                        if (!await source.MoveNextAsync())
                        {
                            exhausted = true;
                            break;
                        }

                        batch.Add(source.Current);
                    }

                    if (batch.Count == 0)
                    {
                        break;
                    }

                    var outcomes = await transport.SubmitAsync(batch, cancellationToken);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        if (outcomes[i].JobId is { } id)
                        {
                            (pending.TryGetValue(id, out var inputs) ? inputs : pending[id] = []).Add(submitted + i);
                        }
                        else
                        {
                            ready.Add(new MapOutcome(submitted + i, null, null, outcomes[i].Error));
                        }
                    }

                    submitted += batch.Count;
                }

                while (ready.TryTake(handedOut, out var outcome))
                {
                    handedOut++;
                    yield return outcome;
                }

                if (pending.Count == 0)
                {
                    if (exhausted)
                    {
                        yield break;
                    }

                    continue;
                }

                // The earliest inputs first: in input order they hold the others back.
                var ids = pending.OrderBy(p => p.Value[0]).Take(MaxPollIds).Select(p => p.Key).ToList();
                var found = await transport.PollAsync(ids, settings.Wait, cancellationToken);
                foreach (var status in found.Jobs.Where(s => s.IsFinal))
                {
                    Finish(status.Id, index => new MapOutcome(index, status.Id, status, null));
                }

                foreach (var id in found.Missing)
                {
                    Finish(id, index => new MapOutcome(index, id, null, new FleetApiException(
                        HttpStatusCode.NotFound, "Not found.", $"The server no longer knows job {id}.",
                            new Dictionary<string, string[]>(), "status")));
                }
            }
        }
        finally
        {
            await source.DisposeAsync();
            if (pending.Count > 0)
            {
                await transport.AbandonAsync([.. pending.Keys]);
            }
        }

        void Finish(string id, Func<int, MapOutcome> outcome)
        {
            if (pending.Remove(id, out var inputs))
            {
                inputs.ForEach(index => ready.Add(outcome(index)));
            }
        }
    }

    /// <summary>Outcomes not yet handed out: by index for input order, first come first out for completion order.</summary>
    private sealed class ReadyOutcomes(FleetMapOrder order)
    {
        private readonly Dictionary<int, MapOutcome> _byIndex = [];
        private readonly Queue<MapOutcome> _byArrival = new();

        public void Add(MapOutcome outcome)
        {
            if (order == FleetMapOrder.Input)
            {
                _byIndex.Add(outcome.Index, outcome);
            }
            else
            {
                _byArrival.Enqueue(outcome);
            }
        }

        public bool TryTake(int next, out MapOutcome outcome) =>
            order == FleetMapOrder.Input ? _byIndex.Remove(next, out outcome) : _byArrival.TryDequeue(out outcome);
    }
}
