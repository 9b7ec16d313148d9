using System.Diagnostics;
using Fleet.Client;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Client;

/// <summary>Fleet.Client against a real gateway and workers: typed calls, job handles, failures, cancellation, streams, 429s.</summary>
[Collection(FleetCollection.Name)]
public sealed class ClientJobTests(FleetFixture fleet)
{
    private readonly FleetEndpoint<EchoIn, EchoOut> _echo =
        TestClients.Create(fleet.Api).Client.Endpoint<EchoIn, EchoOut>(FleetFixture.ClientEndpoint);

    private Task<List<string>> StatusesOfAsync(string marker) =>
        fleet.QueryAsync<string>("SELECT status FROM jobs WHERE input::text LIKE '%' || $1 || '%'", marker);

    [Fact]
    public async Task RunSync_returns_the_typed_output_after_one_submission_and_one_long_poll()
    {
        var (client, log) = TestClients.Create(fleet.Api);

        var output = await client.Endpoint<EchoIn, EchoOut>(FleetFixture.ClientEndpoint).RunSyncAsync(new EchoIn("hello", SleepSeconds: 1));

        Assert.Equal(new EchoOut("hello"), output);
        Assert.Equal(1, log.Count("/run"));
        Assert.Equal(1, log.Count("/status/"));
    }

    [Fact]
    public async Task A_handle_shows_the_jobs_status_and_its_awaited_result()
    {
        var job = await _echo.RunAsync(new EchoIn("handle"));

        var output = await job;
        var status = await job.GetStatusAsync();

        Assert.Equal("handle", output.Echo);
        Assert.Equal(FleetJobState.Completed, status.Status);
        Assert.Equal(job.Id, status.Id);
        Assert.Equal(1, status.Attempts);
    }

    [Fact]
    public async Task Gathered_handles_give_every_output_with_WhenAll_and_WhenEach()
    {
        var jobs = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _echo.RunAsync(new EchoIn($"g{i}", SleepSeconds: 0.2))));

        var outputs = await Task.WhenAll(jobs.Select(j => j.GetResultAsync()));
        var seen = new List<string>();
        await foreach (var done in Task.WhenEach(jobs.Select(j => j.GetResultAsync())))
        {
            seen.Add((await done).Echo!);
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"g{i}"), outputs.Select(o => o.Echo));
        Assert.Equal(outputs.Select(o => o.Echo).Order(), seen.Order());
    }

    [Fact]
    public async Task A_failed_job_throws_with_its_error_attempts_and_id()
    {
        var retrying = TestClients.Create(fleet.Api).Client.Endpoint<EchoIn, EchoOut>(FleetFixture.RetryingEndpoint);
        var job = await retrying.RunAsync(new EchoIn(Fail: "boom"));

        var failure = await Assert.ThrowsAsync<FleetJobFailedException>(() => job.GetResultAsync());

        Assert.Equal(job.Id, failure.JobId);
        Assert.Equal(3, failure.Attempts);
        Assert.Contains("boom", failure.Error, StringComparison.Ordinal);
        Assert.Equal(FleetJobState.Failed, failure.State);
    }

    [Fact]
    public async Task A_job_past_its_execution_timeout_throws_FleetJobTimedOutException()
    {
        var job = await _echo.RunAsync(new EchoIn("slow", SleepSeconds: 30),
            new FleetRunOptions { ExecutionTimeout = TimeSpan.FromSeconds(5.5) });

        var timeout = await Assert.ThrowsAsync<FleetJobTimedOutException>(() => job.GetResultAsync());

        Assert.Equal(job.Id, timeout.JobId);
    }

    [Fact]
    public async Task A_job_cancelled_by_someone_else_throws_FleetJobCancelledException()
    {
        var job = await _echo.RunAsync(new EchoIn("victim", SleepSeconds: 30));
        var result = job.GetResultAsync();

        await fleet.Api.PostAsync($"v2/{FleetFixture.ClientEndpoint}/cancel/{job.Id}", FleetFixture.Json(""));

        var cancelled = await Assert.ThrowsAsync<FleetJobCancelledException>(() => result);
        Assert.Equal(FleetJobState.Cancelled, cancelled.State);
    }

    [Fact]
    public async Task Cancelling_the_callers_token_cancels_the_job_on_the_fleet()
    {
        var marker = TestClients.Marker();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _echo.RunSyncAsync(new EchoIn(marker, SleepSeconds: 60), cancellationToken: cancel.Token));

        Assert.Equal(["CANCELLED"], await StatusesOfAsync(marker));
    }

    [Fact]
    public async Task A_stream_yields_the_chunks_in_order_then_ends()
    {
        var chunks = Enumerable.Range(0, 12).Select(i => $"c{i}").ToList();
        var job = await _echo.RunAsync(new EchoIn(Stream: chunks));

        var streamed = await job.StreamAsync<string>().ToListAsync();

        Assert.Equal(chunks, streamed);
        Assert.Equal(FleetJobState.Completed, (await job.GetStatusAsync()).Status);
    }

    [Fact]
    public async Task Answers_429_are_retried_after_retry_after_and_no_submission_makes_a_second_job()
    {
        // A gateway whose admission limit is 2 queued jobs: of 8 submissions, those past the limit are
        // refused (429, Retry-After 5 s) until the one-at-a-time worker has taken the earlier ones.
        var (gateway, http) = fleet.StartExtraGateway(("FrontDoor__AdmissionMinQueued", "2"), ("FrontDoor__AdmissionQueuedPerWorker", "0"));
        using (gateway)
        using (http)
        {
            await FleetFixture.WaitUntilServingAsync(http, gateway);
            // Another gateway may record a job's ending, which wakes only its own long polls: keep them short.
            var (client, log) = TestClients.Create(http, o => o.LongPollWait = TimeSpan.FromSeconds(1));
            var serial = client.Endpoint<EchoIn, EchoOut>(FleetFixture.SerialEndpoint);
            var marker = TestClients.Marker();
            var clock = Stopwatch.StartNew();

            // One after another: admission counts a job once it is accepted, so a simultaneous burst could all pass its check.
            var jobs = new List<FleetJob<EchoOut>>();
            for (var i = 0; i < 8; i++)
            {
                jobs.Add(await serial.RunAsync(new EchoIn($"{marker}-{i}", SleepSeconds: 0.5)));
            }

            var outputs = await Task.WhenAll(jobs.Select(j => j.GetResultAsync()));

            Assert.Equal(Enumerable.Range(0, 8).Select(i => $"{marker}-{i}"), outputs.Select(o => o.Echo));
            Assert.True(log.Count("/run", 429) > 0, "no submission was refused");
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(4.5), $"retried before Retry-After (5 s): {clock.Elapsed}");
            Assert.Equal(8, (await StatusesOfAsync(marker)).Count);
        }
    }
}
