using System.Net;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

[Collection(FleetCollection.Name)]
public sealed class JobRunTests(FleetFixture fleet)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Run_then_status_shows_completed_with_the_echo_output_and_timings()
    {
        var id = await fleet.SubmitAsync("echo", """{"input": {"echo": {"text": "hello", "n": [1, 2]}, "sleep_s": 0.3}}""");

        var status = await fleet.WaitForStatusAsync("echo", id, "COMPLETED", s_timeout);

        Assert.Equal(id, status.GetProperty("id").GetString());
        Assert.Equal("""{"echo":{"text":"hello","n":[1,2]}}""", status.GetProperty("output").GetRawText());
        // The sleep runs on the monotonic clock, the timings on the wall clock in whole ms: allow a little.
        Assert.True(status.GetProperty("executionTime").GetInt64() >= 295, status.ToString());
        Assert.True(status.GetProperty("delayTime").GetInt64() >= 0);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("error").ValueKind);
        Assert.Equal(1, status.GetProperty("attempts").GetInt32());
        Assert.Equal("cpu", status.GetProperty("device").GetString());
        Assert.StartsWith("cpu-it-", status.GetProperty("workerId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runsync_answers_with_the_completed_status_document()
    {
        using var response = await fleet.Api.PostAsync("v2/echo/runsync", FleetFixture.Json("""{"input": {"echo": [true, null, "x"]}}"""));
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("COMPLETED", document.GetProperty("status").GetString());
        Assert.Equal("""{"echo":[true,null,"x"]}""", document.GetProperty("output").GetRawText());
    }

    [Fact]
    public async Task Runsync_whose_wait_ends_first_answers_with_a_non_final_status_and_the_id()
    {
        using var response = await fleet.Api.PostAsync("v2/echo/runsync?wait=1000", FleetFixture.Json("""{"input": {"sleep_s": 3}}"""));
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(document.GetProperty("status").GetString() is "IN_QUEUE" or "IN_PROGRESS", document.ToString());
        await fleet.WaitForStatusAsync("echo", document.GetProperty("id").GetString()!, "COMPLETED", s_timeout);
    }

    [Fact]
    public async Task A_failing_job_ends_failed_with_its_message_in_error()
    {
        var id = await fleet.SubmitAsync("echo", """{"input": {"fail": "the model refused"}}""");

        var status = await fleet.WaitForStatusAsync("echo", id, "FAILED", s_timeout);

        Assert.Contains("the model refused", status.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("output").ValueKind);
    }

    [Fact]
    public async Task A_job_past_its_execution_timeout_ends_timed_out()
    {
        var id = await fleet.SubmitAsync("echo", """{"input": {"sleep_s": 30}, "policy": {"executionTimeout": 5001}}""");

        var status = await fleet.WaitForStatusAsync("echo", id, "TIMED_OUT", s_timeout);

        Assert.Contains("5001 ms", status.GetProperty("error").GetString(), StringComparison.Ordinal);
        // Cancelled at 5001 ms on the monotonic clock, timed in whole wall-clock ms: allow a little.
        Assert.InRange(status.GetProperty("executionTime").GetInt64(), 4_990, 15_000);
    }

    [Fact]
    public async Task Health_counts_the_endpoints_jobs_and_workers_as_integers()
    {
        var id = await fleet.SubmitAsync("echo", """{"input": {"echo": 1}}""");
        await fleet.WaitForStatusAsync("echo", id, "COMPLETED", s_timeout);

        var health = await fleet.HealthAsync("echo");

        Assert.True(health.GetProperty("jobs").GetProperty("completed").GetInt64() >= 1);
        foreach (var field in new[] { "completed", "failed", "inProgress", "inQueue", "retried" })
        {
            Assert.Equal(JsonValueKind.Number, health.GetProperty("jobs").GetProperty(field).ValueKind);
        }

        Assert.Equal(1, health.GetProperty("workers").GetProperty("idle").GetInt32() + health.GetProperty("workers").GetProperty("running").GetInt32());
    }
}
