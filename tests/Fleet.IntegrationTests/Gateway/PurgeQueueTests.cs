using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

[Collection(FleetCollection.Name)]
public sealed class PurgeQueueTests(FleetFixture fleet)
{
    private const string Endpoint = FleetFixture.SerialEndpoint;

    [Fact]
    public async Task Purge_removes_only_queued_jobs_and_workers_never_start_them()
    {
        // The serial endpoint's worker runs one job at a time: the second and third wait in the queue.
        var running = await fleet.SubmitAsync(Endpoint, """{"input": {"echo": "running", "sleep_s": 2}}""");
        await fleet.WaitForStatusAsync(Endpoint, running, "IN_PROGRESS", TimeSpan.FromSeconds(30));
        var queued = new[]
        {
            await fleet.SubmitAsync(Endpoint, """{"input": {"echo": "queued 1"}}"""),
            await fleet.SubmitAsync(Endpoint, """{"input": {"echo": "queued 2"}}"""),
        };

        using var response = await fleet.Api.PostAsync($"v2/{Endpoint}/purge-queue", FleetFixture.Json(""));
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(2, answer.GetProperty("removed").GetInt32());
        Assert.Equal("completed", answer.GetProperty("status").GetString());
        await fleet.WaitForStatusAsync(Endpoint, running, "COMPLETED", TimeSpan.FromSeconds(30));
        foreach (var id in queued)
        {
            // The worker receives each purged job's message after the running one ends, and drops it.
            await Eventually.True(
                () => Task.FromResult(fleet.Worker.Output.Any(line => line.Contains($"Job {id} was cancelled while queued", StringComparison.Ordinal))),
                TimeSpan.FromSeconds(30), () => fleet.Worker.Tail());
            var status = await fleet.StatusAsync(Endpoint, id);
            Assert.Equal("CANCELLED", status.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, status.GetProperty("workerId").ValueKind);
        }
    }

    [Fact]
    public async Task Purge_of_an_empty_queue_removes_nothing()
    {
        using var response = await fleet.Api.PostAsync("v2/echo/purge-queue", FleetFixture.Json(""));

        Assert.Equal(0, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("removed").GetInt32());
    }
}
