using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>Idempotency-Key: a client that repeats a submission (say, after a lost answer) gets the first job back.</summary>
[Collection(FleetCollection.Name)]
public sealed class IdempotencyTests(FleetFixture fleet)
{
    private async Task<JsonElement> PostAsync(string route, string body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = FleetFixture.Json(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        using var response = await fleet.Api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task A_repeated_run_with_the_same_key_returns_the_first_job_and_creates_no_other()
    {
        var key = "order-" + Guid.NewGuid();
        var before = await fleet.CountRowsAsync();

        var first = await PostAsync("v2/echo/run", """{"input": {"echo": "once"}}""", key);
        var again = await PostAsync("v2/echo/run", """{"input": {"echo": "once"}}""", key);

        var id = first.GetProperty("id").GetString()!;
        Assert.Equal(id, again.GetProperty("id").GetString());
        Assert.Equal(before.Jobs + 1, (await fleet.CountRowsAsync()).Jobs);
        await fleet.WaitForStatusAsync("echo", id, "COMPLETED", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Concurrent_submissions_with_one_key_make_one_job()
    {
        var key = "burst-" + Guid.NewGuid();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostAsync("v2/echo/run", """{"input": {"echo": "burst"}}""", key)));

        Assert.Single(answers.Select(a => a.GetProperty("id").GetString()).Distinct());
    }

    [Fact]
    public async Task The_same_key_on_another_endpoint_or_without_a_key_makes_new_jobs()
    {
        var key = "shared-" + Guid.NewGuid();

        var echo = await PostAsync("v2/echo/run", """{"input": {"echo": 1}}""", key);
        var serial = await PostAsync($"v2/{FleetFixture.SerialEndpoint}/run", """{"input": {"echo": 1}}""", key);
        var unkeyed1 = await PostAsync("v2/echo/run", """{"input": {"echo": 1}}""", null);
        var unkeyed2 = await PostAsync("v2/echo/run", """{"input": {"echo": 1}}""", null);

        Assert.Equal(4, new[] { echo, serial, unkeyed1, unkeyed2 }.Select(a => a.GetProperty("id").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task A_repeated_runsync_answers_with_the_first_jobs_result()
    {
        var key = "sync-" + Guid.NewGuid();

        var first = await PostAsync("v2/echo/runsync", """{"input": {"echo": "first"}}""", key);
        var again = await PostAsync("v2/echo/runsync", """{"input": {"echo": "second body, same key"}}""", key);

        Assert.Equal(first.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Equal("COMPLETED", again.GetProperty("status").GetString());
        Assert.Equal("""{"echo":"first"}""", again.GetProperty("output").GetRawText());
    }
}
