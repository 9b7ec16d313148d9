using System.Text;
using System.Text.Json;
using Fleet.Client;
using Fleet.Client.Http;
using Fleet.Client.Mapping;

namespace Fleet.UnitTests.Client;

/// <summary>The map's ordering, bounding and abandonment, over a transport whose jobs end when a test says.</summary>
public sealed class JobMapperTests
{
    private static IAsyncEnumerable<JobRequest> Inputs(params string[] inputs) =>
        inputs.Select((input, i) => new JobRequest(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(input)), null, "key-" + i))
            .ToAsyncEnumerable();

    private static string[] Numbers(int count) => [.. Enumerable.Range(0, count).Select(i => $"in-{i}")];

    private static MapSettings Settings(FleetMapOrder order, int maxInFlight = 1000, int batchSize = 500) =>
        new(order, maxInFlight, batchSize, TimeSpan.FromSeconds(1));

    private static string InputOf(MapOutcome outcome) => outcome.Status!.Output!.Value.GetString()!;

    [Fact]
    public async Task Input_order_is_kept_when_the_jobs_end_in_reverse()
    {
        var transport = new ScriptedTransport(asked => [asked.OrderByDescending(ScriptedTransport.Number).First()]);

        var outcomes = await JobMapper.RunAsync(Inputs(Numbers(10)), transport, Settings(FleetMapOrder.Input), default).ToListAsync();

        Assert.Equal(Enumerable.Range(0, 10), outcomes.Select(o => o.Index));
        Assert.Equal(Numbers(10), outcomes.Select(InputOf));
        Assert.Equal(Enumerable.Range(0, 10).Reverse().Select(i => $"job-{i}"), transport.Ended);
    }

    [Fact]
    public async Task Completion_order_hands_out_each_result_as_its_job_ends()
    {
        var transport = new ScriptedTransport(asked => [asked.OrderByDescending(ScriptedTransport.Number).First()]);

        var outcomes = await JobMapper.RunAsync(Inputs(Numbers(10)), transport, Settings(FleetMapOrder.Completion), default).ToListAsync();

        Assert.Equal(Enumerable.Range(0, 10).Reverse(), outcomes.Select(o => o.Index));
        Assert.Equal(Numbers(10).Reverse(), outcomes.Select(InputOf));
    }

    [Theory]
    [InlineData(FleetMapOrder.Input)]
    [InlineData(FleetMapOrder.Completion)]
    public async Task Never_more_inputs_are_submitted_and_not_handed_out_than_max_in_flight(FleetMapOrder order)
    {
        var random = new Random(7);
        var transport = new ScriptedTransport(asked => [asked[random.Next(asked.Count)]]);
        var handedOut = 0;
        transport.OnSubmit = submitted => Assert.InRange(submitted - handedOut, 0, 7);

        await foreach (var outcome in JobMapper.RunAsync(Inputs(Numbers(100)), transport,
            Settings(order, maxInFlight: 7, batchSize: 3), default))
        {
            handedOut++;
            Assert.NotNull(outcome.Status);
        }

        Assert.Equal(100, handedOut);
        Assert.All(transport.Batches, b => Assert.InRange(b, 1, 3));
        Assert.Equal(100, transport.Batches.Sum());
    }

    [Fact]
    public async Task In_input_order_a_slow_first_job_stops_submissions_once_the_window_is_full()
    {
        // Job 0 ends only after every other job the map has submitted ended.
        var transport = new ScriptedTransport(asked => asked.Count == 1 ? asked : [.. asked.Where(id => id != "job-0")]);

        var outcomes = await JobMapper.RunAsync(Inputs(Numbers(20)), transport,
            Settings(FleetMapOrder.Input, maxInFlight: 5), default).ToListAsync();

        Assert.Equal(Enumerable.Range(0, 20), outcomes.Select(o => o.Index));
        Assert.Equal(5, transport.SubmittedWhenEnded["job-0"]);
    }

    [Fact]
    public async Task A_refused_input_is_an_outcome_at_its_index_and_the_other_inputs_run()
    {
        var transport = new ScriptedTransport(asked => asked);

        var outcomes = await JobMapper.RunAsync(Inputs("a", "b", "bad", "d"), transport,
            Settings(FleetMapOrder.Input), default).ToListAsync();

        Assert.Equal(["a", "b"], outcomes.Take(2).Select(InputOf));
        Assert.IsType<FleetApiException>(outcomes[2].Error);
        Assert.Null(outcomes[2].JobId);
        Assert.Equal("d", InputOf(outcomes[3]));
    }

    [Fact]
    public async Task Inputs_sent_with_one_idempotency_key_share_its_job_and_both_get_its_result()
    {
        var transport = new ScriptedTransport(asked => asked);
        var same = Encoding.UTF8.GetBytes("\"same\"");

        var outcomes = await JobMapper.RunAsync(
            new[] { new JobRequest(same, null, "k"), new JobRequest(same, null, "k") }.ToAsyncEnumerable(), transport,
            Settings(FleetMapOrder.Input), default).ToListAsync();

        Assert.Equal([0, 1], outcomes.Select(o => o.Index));
        Assert.Equal(outcomes[0].JobId, outcomes[1].JobId);
        Assert.All(outcomes, o => Assert.Equal("same", InputOf(o)));
    }

    [Fact]
    public async Task Leaving_the_map_early_cancels_the_jobs_still_pending()
    {
        var transport = new ScriptedTransport(asked => [asked.OrderBy(ScriptedTransport.Number).First()]);

        await foreach (var outcome in JobMapper.RunAsync(Inputs(Numbers(10)), transport, Settings(FleetMapOrder.Input), default))
        {
            if (outcome.Index == 1)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(2, 8).Select(i => $"job-{i}"), transport.Abandoned.OrderBy(ScriptedTransport.Number));
    }

    [Fact]
    public async Task A_cancelled_token_cancels_the_pending_jobs_and_throws()
    {
        using var cancel = new CancellationTokenSource();
        var transport = new ScriptedTransport(asked => [asked.OrderBy(ScriptedTransport.Number).First()]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var outcome in JobMapper.RunAsync(Inputs(Numbers(10)), transport, Settings(FleetMapOrder.Input), cancel.Token))
            {
                await cancel.CancelAsync();
            }
        });

        Assert.Equal(9, transport.Abandoned.Count);
        Assert.DoesNotContain("job-0", transport.Abandoned);
    }

    /// <summary>
    /// Jobs that end when <c>ending</c> says: given the ids a poll asks about, it names those that
    /// end now. A job's output is its input; an input "bad" is refused.
    /// </summary>
    private sealed class ScriptedTransport(Func<IReadOnlyList<string>, IReadOnlyList<string>> ending) : IJobMapTransport
    {
        private readonly Dictionary<string, string> _keyToJob = [];
        private readonly Dictionary<string, JsonElement> _inputs = [];
        private int _submitted;

        public List<int> Batches { get; } = [];

        public List<string> Ended { get; } = [];

        public Dictionary<string, int> SubmittedWhenEnded { get; } = [];

        public List<string> Abandoned { get; } = [];

        public Action<int> OnSubmit { get; set; } = _ => { };

        public static int Number(string jobId) => int.Parse(jobId["job-".Length..]);

        public Task<IReadOnlyList<SubmitOutcome>> SubmitAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken)
        {
            Batches.Add(jobs.Count);
            var outcomes = new List<SubmitOutcome>();
            foreach (var job in jobs)
            {
                _submitted++;
                var input = JsonDocument.Parse(job.Input).RootElement.Clone();
                if (input.GetString() == "bad")
                {
                    outcomes.Add(new SubmitOutcome(null, new FleetApiException(
                        System.Net.HttpStatusCode.BadRequest, "bad", null, new Dictionary<string, string[]>(), "test")));
                    continue;
                }

                if (!_keyToJob.TryGetValue(job.IdempotencyKey, out var id))
                {
                    _keyToJob[job.IdempotencyKey] = id = $"job-{_keyToJob.Count}";
                    _inputs[id] = input;
                }

                outcomes.Add(new SubmitOutcome(id, null));
            }

            OnSubmit(_submitted);
            return Task.FromResult<IReadOnlyList<SubmitOutcome>>(outcomes);
        }

        public Task<PollResult> PollAsync(IReadOnlyList<string> ids, TimeSpan wait, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ended = ending(ids);
            foreach (var id in ended)
            {
                Ended.Add(id);
                SubmittedWhenEnded[id] = _submitted;
            }

            return Task.FromResult(new PollResult(
                [.. ids.Select(id => new FleetJobStatus
                {
                    Id = id,
                    Status = ended.Contains(id) ? FleetJobState.Completed : FleetJobState.InProgress,
                    Output = ended.Contains(id) ? _inputs[id] : null,
                })],
                []));
        }

        public Task AbandonAsync(IReadOnlyCollection<string> ids)
        {
            Abandoned.AddRange(ids);
            return Task.CompletedTask;
        }
    }
}
