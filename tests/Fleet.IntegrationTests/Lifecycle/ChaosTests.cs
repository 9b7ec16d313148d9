using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fleet.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.IntegrationTests.Lifecycle;

/// <summary>
/// The issue's three chaos tests: a worker SIGKILLed again and again, RabbitMQ restarted and
/// PostgreSQL stopped while jobs arrive. Each prints its counts (lost, duplicated) and asserts zero.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed partial class ChaosTests(FleetFixture fleet, ITestOutputHelper output)
{
    private const string Chaos = FleetFixture.ChaosEndpoint;

    [Fact]
    public async Task Every_job_completes_exactly_once_while_a_worker_is_killed_three_times()
    {
        const int jobs = 500;
        var workers = new List<FleetProcess>();
        FleetProcess StartWorker(string name) => fleet.StartEndpointWorker($"chaos-{name}", Chaos).Process;
        try
        {
            workers.Add(StartWorker("steady"));
            var victim = StartWorker("victim-1");
            workers.Add(victim);
            await Eventually.True(async () => await fleet.WorkersAsync(Chaos) >= 2, TimeSpan.FromSeconds(60), () => victim.Tail());

            // 0.2–2 s each, in a fixed pseudo-random order.
            var random = new Random(4);
            var sleeps = Enumerable.Range(0, jobs).Select(_ => (0.2 + (1.8 * random.Next(0, 1000) / 1000.0)).ToString("0.###", CultureInfo.InvariantCulture)).ToArray();
            var ids = new ConcurrentBag<string>();
            await Parallel.ForAsync(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
                ids.Add(await fleet.SubmitAsync(Chaos, $$$"""{"input": {"sleep_s": {{{sleeps[i]}}}}}""")));

            for (var kill = 1; kill <= 3; kill++)
            {
                // Killed only while it runs jobs, so every kill interrupts some.
                var running = victim;
                await Eventually.True(() => Task.FromResult(running.Output.Count(l => l.Contains("reported JobSucceeded", StringComparison.Ordinal)) > 2),
                    TimeSpan.FromSeconds(60), () => running.Tail());
                victim.Kill();
                Report($"kill {kill}: SIGKILLed {victim.Name}");
                victim = StartWorker($"victim-{kill + 1}");
                workers.Add(victim);
            }

            await Eventually.True(async () => (await CountAsync(ids, "status = 'COMPLETED'")) == jobs,
                TimeSpan.FromSeconds(180), () => string.Join('\n', workers.Select(w => w.Tail(10))));

            // Handler runs that completed and reported, from every worker's log, killed ones included.
            var runs = workers.SelectMany(w => w.Output)
                .Select(l => ReportedSuccess().Match(l)).Where(m => m.Success)
                .GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => g.Count());
            var duplicated = runs.Count(r => r.Value > 1);
            var recorded = await CountAsync(ids, "status = 'COMPLETED' AND output IS NOT NULL");
            var lost = jobs - recorded;
            // A killed worker's jobs run again: delivered again by RabbitMQ (their messages were
            // unacknowledged), or queued again as a new attempt once their lease ran out.
            var redelivered = workers.SelectMany(w => w.Output).Count(l => l.Contains("is delivered again", StringComparison.Ordinal));
            var requeued = await CountAsync(ids, "attempt > 1");
            Report($"worker killed 3 times: jobs {jobs}, recorded results {recorded}, lost {lost}, duplicated {duplicated}, " +
                $"handler runs seen {runs.Values.Sum()}, run again after a lost worker: {redelivered} delivered again, {requeued} as a new attempt");

            Assert.Equal(0, lost);
            Assert.Equal(0, duplicated);
            Assert.True(redelivered + requeued > 0, "no kill interrupted a running job, so the test proved nothing");
            Assert.Equal(jobs, ids.Distinct().Count());
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    [Fact]
    public async Task Every_accepted_job_completes_when_RabbitMQ_restarts_during_a_1000_job_submission()
    {
        const int jobs = 1000;
        var ids = new ConcurrentBag<string>();
        var submitted = 0;
        // The last 100 wait for the broker to be back, so the outage falls inside the submission.
        var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var submission = Parallel.ForAsync(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, token) =>
        {
            if (i >= jobs - 100)
            {
                await restarted.Task.WaitAsync(token);
            }

            ids.Add(await fleet.SubmitAsync("echo", $$$"""{"input": {"echo": {{{i}}}}}"""));
            Interlocked.Increment(ref submitted);
        });

        await Eventually.True(() => Task.FromResult(Volatile.Read(ref submitted) >= 100), TimeSpan.FromSeconds(60), () => fleet.Gateway.Tail());
        var beforeStop = Volatile.Read(ref submitted);
        await Task.Run(TestServers.StopRabbitMq);
        int duringOutage;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        finally
        {
            await Task.Run(TestServers.StartRabbitMq);
            duringOutage = Volatile.Read(ref submitted) - beforeStop;
            restarted.SetResult();
        }

        await submission;
        await WaitUntilAllCompletedAsync(ids, TimeSpan.FromSeconds(180));
        var lost = jobs - await CountAsync(ids, "status = 'COMPLETED'");
        Report($"RabbitMQ restarted: accepted {ids.Count}, {duringOutage} of them while it stopped, was down or started, lost {lost}");
        Assert.Equal(jobs, ids.Count);
        Assert.True(duringOutage > 0 && duringOutage < jobs - beforeStop, $"the outage did not fall within the submission ({duringOutage} accepted meanwhile)");
        Assert.Equal(0, lost);
    }

    [Fact]
    public async Task While_PostgreSQL_is_down_the_gateway_answers_503_and_afterwards_no_job_with_an_id_is_lost()
    {
        var ids = new ConcurrentBag<string>();
        var refusals = new ConcurrentBag<(HttpStatusCode Code, bool RetryAfter)>();
        using var stop = new CancellationTokenSource();
        var submitters = Enumerable.Range(0, 4).Select(async s =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await fleet.Api.PostAsync("v2/echo/run", FleetFixture.Json($$$"""{"input": {"sleep_s": 0.3, "echo": "{{{s}}}-{{{i}}}"}}"""));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                        ids.Add(body.RootElement.GetProperty("id").GetString()!);
                    }
                    else
                    {
                        refusals.Add((response.StatusCode, response.Headers.RetryAfter is not null));
                        await Task.Delay(100);
                    }
                }
                catch (HttpRequestException)
                {
                    refusals.Add((0, false));
                }
            }
        }).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1));
        TestServers.StopPostgres();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            TestServers.StartPostgres();
            // The test's own pooled connections died with the server.
            Npgsql.NpgsqlConnection.ClearAllPools();
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        await stop.CancelAsync();
        await Task.WhenAll(submitters);

        await Eventually.True(async () => (await CountAsync(ids, "status = 'COMPLETED'")) == ids.Count,
            TimeSpan.FromSeconds(120), () => fleet.Gateway.Tail() + "\n" + fleet.Worker.Tail());
        var completed = await CountAsync(ids, "status = 'COMPLETED'");
        Report($"PostgreSQL stopped: accepted {ids.Count}, completed {completed}, lost {ids.Count - completed}; refused " +
            string.Join(", ", refusals.GroupBy(r => r.Code).Select(g => $"{(int)g.Key}: {g.Count()}")));

        Assert.NotEmpty(refusals);
        Assert.All(refusals, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Code));
        Assert.All(refusals, r => Assert.True(r.RetryAfter, "a 503 without Retry-After"));
        Assert.Equal(ids.Count, completed);
    }

    /// <summary>Waits until every job completed; else fails with what the unfinished ones look like.</summary>
    private async Task WaitUntilAllCompletedAsync(IReadOnlyCollection<string> ids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await CountAsync(ids, "status = 'COMPLETED'") < ids.Count)
        {
            if (DateTime.UtcNow > deadline)
            {
                var unfinished = await fleet.QueryAsync<string>(
                    "SELECT concat_ws(' ', id, status, 'attempt', attempt, 'worker', worker_id, 'lease', lease_expires_at, 'losses', lease_losses, error) " +
                    "FROM jobs WHERE id = ANY($1) AND status <> 'COMPLETED' LIMIT 10", ids.Select(Guid.Parse).ToArray());
                var outbox = await fleet.QueryAsync<long>("SELECT count(*) FROM outbox_messages");
                Assert.Fail($"not all {ids.Count} jobs completed within {timeout}; outbox rows {outbox[0]}; unfinished:\n{string.Join('\n', unfinished)}\n" +
                    fleet.Gateway.Tail(15) + "\n" + fleet.Worker.Tail(15));
            }

            await Task.Delay(500);
        }
    }

    /// <summary>To the test's output and to the console, where <c>./fleet test</c> shows it.</summary>
    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine("chaos: " + line);
    }

    private async Task<int> CountAsync(IEnumerable<string> ids, string condition) =>
        (int)(await fleet.QueryAsync<long>($"SELECT count(*) FROM jobs WHERE id = ANY($1) AND {condition}",
            ids.Select(Guid.Parse).ToArray()))[0];

    [GeneratedRegex(@"Job ([0-9a-f-]{36}) attempt \d+ reported JobSucceeded")]
    private static partial Regex ReportedSuccess();
}
