using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>Fleet's additions for clients of many jobs: batch/run, batch/status and status?wait= (long polls).</summary>
[Collection(FleetCollection.Name)]
public sealed class BatchRouteTests(FleetFixture fleet)
{
    private async Task<(HttpStatusCode Code, JsonElement Body)> PostAsync(string route, string body)
    {
        using var response = await fleet.Api.PostAsync(route, FleetFixture.Json(body));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private async Task<JsonElement> BatchStatusAsync(string ids, int wait = 0)
    {
        var (code, body) = await PostAsync("v2/echo/batch/status", $$"""{"ids": {{ids}}, "wait": {{wait}}}""");
        Assert.True(code == HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static string[] Statuses(JsonElement answer) =>
        [.. answer.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("status").GetString()!)];

    [Fact]
    public async Task Batch_run_accepts_the_valid_items_and_answers_a_bad_item_with_its_own_400()
    {
        var before = await fleet.CountRowsAsync();

        var (code, answer) = await PostAsync("v2/echo/batch/run", """
            {"items": [{"input": {"echo": "a"}}, {"input": {"sleep_s": "long"}}, {"input": {"echo": "c"}}, 7]}
            """);

        Assert.Equal(HttpStatusCode.OK, code);
        var items = answer.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(4, items.Count);
        Assert.Equal("IN_QUEUE", items[0].GetProperty("status").GetString());
        Assert.Equal("IN_QUEUE", items[2].GetProperty("status").GetString());
        var bad = items[1].GetProperty("error");
        Assert.Equal(400, bad.GetProperty("status").GetInt32());
        Assert.True(bad.GetProperty("errors").TryGetProperty("items[1].input.sleep_s", out _), bad.ToString());
        Assert.True(items[3].GetProperty("error").GetProperty("errors").TryGetProperty("items[3]", out _), items[3].ToString());
        Assert.False(items[1].TryGetProperty("id", out _));
        Assert.Equal(before.Jobs + 2, (await fleet.CountRowsAsync()).Jobs);

        var ids = $"""["{items[0].GetProperty("id").GetString()}", "{items[2].GetProperty("id").GetString()}"]""";
        await Eventually.True(async () => Statuses(await BatchStatusAsync(ids, 5_000)).All(s => s == "COMPLETED"),
            TimeSpan.FromSeconds(30), () => fleet.Worker.Tail());
        var outputs = (await BatchStatusAsync(ids)).GetProperty("jobs").EnumerateArray()
            .Select(j => j.GetProperty("output").GetProperty("echo").GetString());
        Assert.Equal(["a", "c"], outputs);
    }

    [Fact]
    public async Task A_repeated_item_idempotency_key_answers_with_the_first_job_and_creates_no_second()
    {
        var key = Guid.NewGuid().ToString();
        string Item(int echo) => $$$"""{"input": {"echo": {{{echo}}}}, "idempotencyKey": "{{{key}}}"}""";
        var body = $$"""{"items": [{{Item(1)}}, {{Item(2)}}]}""";

        var (_, first) = await PostAsync("v2/echo/batch/run", body);
        var (_, again) = await PostAsync("v2/echo/batch/run", body);

        var ids = first.GetProperty("items").EnumerateArray().Concat(again.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("id").GetString()).Distinct().ToList();
        Assert.Single(ids);
        Assert.Equal(1, (await fleet.QueryAsync<long>("SELECT count(*) FROM jobs WHERE id = $1", Guid.Parse(ids[0]!)))[0]);
    }

    [Theory]
    [InlineData("v2/echo/batch/run", """{"items": []}""", "items")]
    [InlineData("v2/echo/batch/run", """{"input": {"echo": 1}}""", "items")]
    [InlineData("v2/echo/batch/run", """[1]""", "body")]
    [InlineData("v2/echo/batch/status", """{"ids": "x"}""", "ids")]
    [InlineData("v2/echo/batch/status", """{"ids": ["x", 3]}""", "ids[1]")]
    [InlineData("v2/echo/batch/status", """{"ids": ["x"], "wait": 60001}""", "wait")]
    public async Task A_bad_batch_body_is_a_400_naming_the_field_and_persists_nothing(string route, string body, string field)
    {
        var before = await fleet.CountRowsAsync();

        var (code, problem) = await PostAsync(route, body);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        await fleet.AssertNothingPersistedSinceAsync(before);
    }

    [Fact]
    public async Task A_batch_of_more_than_a_thousand_items_is_refused_whole()
    {
        var before = await fleet.CountRowsAsync();
        var items = string.Join(",", Enumerable.Repeat("""{"input": {"echo": 1}}""", 1001));

        var (code, problem) = await PostAsync("v2/echo/batch/run", $$"""{"items": [{{items}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.True(problem.GetProperty("errors").TryGetProperty("items", out _));
        await fleet.AssertNothingPersistedSinceAsync(before);
    }

    [Fact]
    public async Task A_batch_is_refused_only_when_the_queue_is_really_full_not_when_the_estimate_ran_ahead()
    {
        // Admission limit 5 queued jobs; the estimate is read once at start and then not for 10 s, so
        // every job accepted meanwhile counts as queued in it, though these end at once.
        var (gateway, http) = fleet.StartExtraGateway(
            ("FrontDoor__AdmissionMinQueued", "5"), ("FrontDoor__AdmissionQueuedPerWorker", "0"),
                ("FrontDoor__AdmissionRefreshMs", "10000"));
        using (gateway)
        using (http)
        {
            await FleetFixture.WaitUntilServingAsync(http, gateway);
            var codes = new List<HttpStatusCode>();
            for (var i = 0; i < 8; i++)
            {
                // One job at a time, each ended before the next: the queue is never longer than one.
                using var batch = await http.PostAsync($"v2/{FleetFixture.ClientEndpoint}/batch/run",
                    FleetFixture.Json($$$"""{"items": [{"input": {"echo": {{{i}}}}}]}"""));
                codes.Add(batch.StatusCode);
                if (batch.IsSuccessStatusCode)
                {
                    var id = JsonDocument.Parse(await batch.Content.ReadAsStringAsync()).RootElement
                        .GetProperty("items")[0].GetProperty("id").GetString();
                    try
                    {
                        await fleet.WaitForStatusAsync(FleetFixture.ClientEndpoint, id!, "COMPLETED", TimeSpan.FromSeconds(30));
                    }
                    catch (Xunit.Sdk.XunitException e)
                    {
                        using var management = fleet.AdminManagementClient();
                        var queue = await management.GetStringAsync(
                            $"api/queues/{Uri.EscapeDataString(fleet.VirtualHost)}/fleet.jobs.cpu.{FleetFixture.ClientEndpoint}");
                        throw new Xunit.Sdk.XunitException($"{e.Message}\n{gateway.Tail(60)}\nqueue: {queue}");
                    }
                }
            }

            using var run = await http.PostAsync($"v2/{FleetFixture.ClientEndpoint}/run",
                FleetFixture.Json("""{"input": {"echo": "x"}}"""));
            Assert.All(codes, c => Assert.Equal(HttpStatusCode.OK, c));
            // /run is judged the same way: the estimate ran ahead, the queue is not full.
            Assert.Equal(HttpStatusCode.OK, run.StatusCode);

            // Really full: the one-at-a-time endpoint runs one of seven long jobs and has six queued.
            var items = string.Join(",", Enumerable.Repeat("""{"input": {"echo": 1, "sleep_s": 60}}""", 7));
            using var blockers = await http.PostAsync($"v2/{FleetFixture.SerialEndpoint}/batch/run",
                FleetFixture.Json($$"""{"items": [{{items}}]}"""));
            try
            {
                Assert.Equal(HttpStatusCode.OK, blockers.StatusCode);
                using var refused = await http.PostAsync($"v2/{FleetFixture.SerialEndpoint}/batch/run",
                    FleetFixture.Json("""{"items": [{"input": {"echo": 2}}]}"""));
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            }
            finally
            {
                await fleet.Api.PostAsync($"v2/{FleetFixture.SerialEndpoint}/purge-queue", FleetFixture.Json(""));
                foreach (var id in (await fleet.QueryAsync<Guid>("SELECT id FROM jobs WHERE endpoint_id = $1 AND status = 'IN_PROGRESS'",
                    FleetFixture.SerialEndpoint)))
                {
                    await fleet.Api.PostAsync($"v2/{FleetFixture.SerialEndpoint}/cancel/{id}", FleetFixture.Json(""));
                }
            }
        }
    }

    [Fact]
    public async Task Batch_status_lists_the_jobs_found_in_the_order_asked_and_the_ids_missing()
    {
        var a = await fleet.SubmitAsync("echo", """{"input": {"echo": "a"}}""");
        var b = await fleet.SubmitAsync("echo", """{"input": {"echo": "b"}}""");
        var stranger = Guid.NewGuid().ToString();
        var elsewhere = await fleet.SubmitAsync(FleetFixture.SerialEndpoint, """{"input": {"echo": "c"}}""");

        var answer = await BatchStatusAsync($"""["{b}", "not-an-id", "{a}", "{stranger}", "{elsewhere}", "{a}"]""");

        Assert.Equal([b, a], answer.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        Assert.Equal(["not-an-id", stranger, elsewhere], answer.GetProperty("missing").EnumerateArray().Select(j => j.GetString()));
    }

    [Fact]
    public async Task Batch_status_with_wait_answers_as_soon_as_one_listed_job_ends()
    {
        var quick = await fleet.SubmitAsync("echo", """{"input": {"echo": 1, "sleep_s": 1}}""");
        var slow = await fleet.SubmitAsync("echo", """{"input": {"echo": 2, "sleep_s": 60}}""");
        try
        {
            var clock = Stopwatch.StartNew();
            var answer = await BatchStatusAsync($"""["{slow}", "{quick}"]""", wait: 30_000);

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"answered after {clock.Elapsed}");
            Assert.Equal("COMPLETED", Statuses(answer)[1]);
            Assert.NotEqual("COMPLETED", Statuses(answer)[0]);
        }
        finally
        {
            await fleet.Api.PostAsync($"v2/echo/cancel/{slow}", FleetFixture.Json(""));
        }
    }

    [Fact]
    public async Task Batch_status_with_wait_answers_when_the_wait_runs_out_if_no_job_ends()
    {
        var slow = await fleet.SubmitAsync("echo", """{"input": {"echo": 2, "sleep_s": 60}}""");
        try
        {
            var clock = Stopwatch.StartNew();
            var answer = await BatchStatusAsync($"""["{slow}"]""", wait: 1_500);

            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(1_400), TimeSpan.FromSeconds(10));
            Assert.True(Statuses(answer)[0] is "IN_QUEUE" or "IN_PROGRESS", Statuses(answer)[0]);
        }
        finally
        {
            await fleet.Api.PostAsync($"v2/echo/cancel/{slow}", FleetFixture.Json(""));
        }
    }

    [Fact]
    public async Task Two_long_polls_of_one_job_both_answer_when_it_ends_though_one_gave_up_first()
    {
        var job = await fleet.SubmitAsync("echo", """{"input": {"echo": 1, "sleep_s": 2.5}}""");
        var clock = Stopwatch.StartNew();

        var shortPoll = fleet.Api.GetAsync($"v2/echo/status/{job}?wait=500");
        var longPoll = fleet.Api.GetAsync($"v2/echo/status/{job}?wait=30000");
        using var early = await shortPoll;
        using var ended = await longPoll;

        Assert.NotEqual("COMPLETED",
            JsonDocument.Parse(await early.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal("COMPLETED",
            JsonDocument.Parse(await ended.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the long poll answered after {clock.Elapsed}");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("60001")]
    public async Task A_status_wait_out_of_range_is_a_400_naming_wait(string wait)
    {
        var job = await fleet.SubmitAsync("echo", """{"input": {"echo": 1}}""");

        using var response = await fleet.Api.GetAsync($"v2/echo/status/{job}?wait={wait}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"wait\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
