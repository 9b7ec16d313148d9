using System.Net;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>cancel, retry and ttl: API.md's transitions, against the real gateway and worker.</summary>
[Collection(FleetCollection.Name)]
public sealed class JobTransitionTests(FleetFixture fleet)
{
    private const string Serial = FleetFixture.SerialEndpoint;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private async Task<(HttpStatusCode Code, JsonElement Body)> PostAsync(string route)
    {
        using var response = await fleet.Api.PostAsync(route, FleetFixture.Json(""));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Cancelling_a_running_job_stops_its_handler_and_ends_it_cancelled()
    {
        var id = await fleet.SubmitAsync("echo", """{"input": {"sleep_s": 60}}""");
        await fleet.WaitForStatusAsync("echo", id, "IN_PROGRESS", s_timeout);

        var (code, body) = await PostAsync($"v2/echo/cancel/{id}");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("CANCELLED", body.GetProperty("status").GetString());
        // The worker stops the handler: it runs nothing once its next heartbeat is in.
        await Eventually.True(async () => (await fleet.HealthAsync("echo")).GetProperty("workers").GetProperty("running").GetInt32() == 0,
            TimeSpan.FromSeconds(10), () => fleet.Worker.Tail());
        await Task.Delay(500);
        Assert.Equal("CANCELLED", (await fleet.StatusAsync("echo", id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cancelling_a_queued_job_means_it_never_starts()
    {
        var running = await fleet.SubmitAsync(Serial, """{"input": {"sleep_s": 1.5}}""");
        await fleet.WaitForStatusAsync(Serial, running, "IN_PROGRESS", s_timeout);
        var queued = await fleet.SubmitAsync(Serial, """{"input": {"echo": "never"}}""");

        var (code, _) = await PostAsync($"v2/{Serial}/cancel/{queued}");

        Assert.Equal(HttpStatusCode.OK, code);
        await fleet.WaitForStatusAsync(Serial, running, "COMPLETED", s_timeout);
        await Eventually.True(
            () => Task.FromResult(fleet.Worker.Output.Any(l => l.Contains($"Job {queued} was cancelled while queued", StringComparison.Ordinal))),
            s_timeout, () => fleet.Worker.Tail());
        Assert.Equal(JsonValueKind.Null, (await fleet.StatusAsync(Serial, queued)).GetProperty("workerId").ValueKind);
    }

    [Fact]
    public async Task Cancelling_a_finished_job_is_a_409_and_an_unknown_one_a_404()
    {
        var id = await fleet.SubmitAsync("echo", """{"input": {"echo": 1}}""");
        await fleet.WaitForStatusAsync("echo", id, "COMPLETED", s_timeout);

        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync($"v2/echo/cancel/{id}")).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync($"v2/echo/cancel/{Guid.CreateVersion7()}")).Code);
        Assert.Equal("COMPLETED", (await fleet.StatusAsync("echo", id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Retry_queues_a_failed_job_again_under_the_same_id_as_a_new_attempt()
    {
        var id = await fleet.SubmitAsync("echo", """{"input": {"fail": "flaky dependency"}}""");
        await fleet.WaitForStatusAsync("echo", id, "FAILED", s_timeout);

        var (code, body) = await PostAsync($"v2/echo/retry/{id}");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.Equal("IN_QUEUE", body.GetProperty("status").GetString());
        await Eventually.True(async () => (await fleet.StatusAsync("echo", id)).GetProperty("attempts").GetInt32() == 2, s_timeout, () => fleet.Worker.Tail());
        var again = await fleet.WaitForStatusAsync("echo", id, "FAILED", s_timeout);
        Assert.Equal(2, again.GetProperty("attempts").GetInt32());
        Assert.Contains("flaky dependency", again.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True((await fleet.HealthAsync("echo")).GetProperty("jobs").GetProperty("retried").GetInt64() >= 1);
    }

    [Fact]
    public async Task A_failing_job_is_retried_with_backoff_until_its_attempts_run_out()
    {
        const string endpoint = FleetFixture.RetryingEndpoint;
        var id = await fleet.SubmitAsync(endpoint, """{"input": {"fail": "GPU fell off the bus"}}""");

        // Between attempts it waits in the queue, showing the last error and the next attempt.
        var between = await Eventually.Value(() => fleet.StatusAsync(endpoint, id),
            s => s.GetProperty("attempts").GetInt32() == 2 && s.GetProperty("status").GetString() is "IN_QUEUE" or "IN_PROGRESS", s_timeout,
            () => fleet.Gateway.Tail() + "\n" + fleet.Worker.Tail());
        Assert.Contains("attempt 1 failed: GPU fell off the bus", between.GetProperty("error").GetString(), StringComparison.Ordinal);

        var failed = await fleet.WaitForStatusAsync(endpoint, id, "FAILED", s_timeout);
        Assert.Equal(3, failed.GetProperty("attempts").GetInt32());
        Assert.Equal("GPU fell off the bus", failed.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Retrying_a_completed_job_is_a_409()
    {
        var id = await fleet.SubmitAsync("echo", """{"input": {"echo": 1}}""");
        await fleet.WaitForStatusAsync("echo", id, "COMPLETED", s_timeout);

        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync($"v2/echo/retry/{id}")).Code);
    }

    [Fact]
    public async Task A_job_still_queued_past_its_ttl_ends_timed_out_without_running()
    {
        var running = await fleet.SubmitAsync(Serial, """{"input": {"sleep_s": 13}}""");
        await fleet.WaitForStatusAsync(Serial, running, "IN_PROGRESS", s_timeout);
        var waiting = await fleet.SubmitAsync(Serial, """{"input": {"echo": "too late"}, "policy": {"ttl": 10000}}""");

        var status = await fleet.WaitForStatusAsync(Serial, waiting, "TIMED_OUT", s_timeout);

        Assert.Contains("ttl of 10000 ms", status.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("workerId").ValueKind);
        await fleet.WaitForStatusAsync(Serial, running, "COMPLETED", s_timeout);
        await Eventually.True(
            () => Task.FromResult(fleet.Worker.Output.Any(l => l.Contains($"Job {waiting} was cancelled while queued", StringComparison.Ordinal))),
            s_timeout, () => fleet.Worker.Tail());
    }

    [Fact]
    public async Task A_runsync_whose_job_is_cancelled_answers_at_once_with_cancelled()
    {
        var blocker = await fleet.SubmitAsync(Serial, """{"input": {"sleep_s": 3}}""");
        await fleet.WaitForStatusAsync(Serial, blocker, "IN_PROGRESS", s_timeout);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var waiting = fleet.Api.PostAsync($"v2/{Serial}/runsync", FleetFixture.Json("""{"input": {"echo": "behind the blocker"}}"""));
        await Task.Delay(500);

        using (await fleet.Api.PostAsync($"v2/{Serial}/purge-queue", FleetFixture.Json("")))
        {
        }

        using var answer = await waiting;
        var document = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("CANCELLED", document.GetProperty("status").GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Progress_shows_in_the_status_and_extends_the_execution_deadline()
    {
        // 8 s of work under a 5 s execution timeout: it survives because it reports every second.
        var id = await fleet.SubmitAsync("echo", """{"input": {"echo": "patient", "sleep_s": 8, "progress_every_s": 1}, "policy": {"executionTimeout": 5001}}""");

        var running = await Eventually.Value(() => fleet.StatusAsync("echo", id),
            s => s.GetProperty("progress").ValueKind == JsonValueKind.Object, s_timeout, () => fleet.Worker.Tail());
        Assert.Equal("IN_PROGRESS", running.GetProperty("status").GetString());
        Assert.InRange(running.GetProperty("progress").GetProperty("percent").GetDouble(), 1, 100);
        Assert.StartsWith("slept ", running.GetProperty("progress").GetProperty("message").GetString(), StringComparison.Ordinal);

        var done = await fleet.WaitForStatusAsync("echo", id, "COMPLETED", s_timeout);
        Assert.True(done.GetProperty("executionTime").GetInt64() >= 7_900, done.ToString());
    }

    [Fact]
    public async Task Low_priority_jobs_run_after_the_normal_ones()
    {
        var blocker = await fleet.SubmitAsync(Serial, """{"input": {"sleep_s": 1.5}}""");
        await fleet.WaitForStatusAsync(Serial, blocker, "IN_PROGRESS", s_timeout);
        var low = new[]
        {
            await fleet.SubmitAsync(Serial, """{"input": {"echo": "low 1", "sleep_s": 0.2}, "policy": {"lowPriority": true}}"""),
            await fleet.SubmitAsync(Serial, """{"input": {"echo": "low 2", "sleep_s": 0.2}, "policy": {"lowPriority": true}}"""),
        };
        var normal = new[]
        {
            await fleet.SubmitAsync(Serial, """{"input": {"echo": "normal 1", "sleep_s": 0.2}}"""),
            await fleet.SubmitAsync(Serial, """{"input": {"echo": "normal 2", "sleep_s": 0.2}}"""),
        };

        var waiting = await fleet.StatusAsync(Serial, low[0]);
        Assert.StartsWith("low priority", waiting.GetProperty("routing").GetString(), StringComparison.Ordinal);
        foreach (var id in low.Concat(normal))
        {
            await fleet.WaitForStatusAsync(Serial, id, "COMPLETED", s_timeout);
        }

        await using var connection = new Npgsql.NpgsqlConnection(fleet.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT low_priority, min(started_at), max(finished_at) FROM jobs WHERE id = ANY($1) GROUP BY low_priority", connection);
        command.Parameters.Add(new() { Value = low.Concat(normal).Select(Guid.Parse).ToArray() });
        var times = new Dictionary<bool, (DateTime FirstStart, DateTime LastFinish)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                times[reader.GetBoolean(0)] = (reader.GetDateTime(1), reader.GetDateTime(2));
            }
        }

        Assert.True(times[true].FirstStart >= times[false].LastFinish,
            $"a low-priority job started at {times[true].FirstStart:O}, before the last normal one finished at {times[false].LastFinish:O}");
    }
}
