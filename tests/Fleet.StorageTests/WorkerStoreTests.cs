using Fleet.Contracts;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Storage;
using Fleet.StorageTests.Infrastructure;

namespace Fleet.StorageTests;

/// <summary><see cref="WorkerStore"/>: heartbeats upserted, live workers read with the jobs they hold, stopping ones left out.</summary>
[Collection(StorageCollection.Name)]
public sealed class WorkerStoreTests(StorageFixture storage)
{
    private static WorkerHeartbeat Beat(string id, string endpoint, bool stopping = false, int running = 0) => new(
        id, Hardware.Gpu, "cuda:0", [endpoint], 4, [.. Enumerable.Range(0, running).Select(_ => new RunningAttempt(Guid.NewGuid(), 1, "t"))],
        16_000, 12_000, DateTimeOffset.UtcNow, stopping, running == 0 ? 3 : null);

    [Fact]
    public async Task A_heartbeat_makes_a_live_worker_and_a_later_one_updates_it()
    {
        var endpoint = StorageFixture.NewEndpoint();
        var id = "w-" + Guid.NewGuid().ToString("N")[..8];
        await storage.RunAsync(WorkerStore.Seen([Beat(id, endpoint.Id)]));
        await storage.RunAsync(WorkerStore.Seen([Beat(id, endpoint.Id, running: 2)]));

        var worker = (await storage.Workers.LiveAsync(default)).Single(w => w.WorkerId == id);

        Assert.Equal((4, 2, 12_000L, Hardware.Gpu), (worker.Capacity, worker.Running, worker.GpuMemoryFreeMb!.Value, worker.Hardware));
        Assert.Equal((0, 1), await storage.Workers.CountAsync(endpoint.Id, default));
    }

    [Fact]
    public async Task A_stopping_worker_is_not_live()
    {
        var endpoint = StorageFixture.NewEndpoint();
        var id = "w-" + Guid.NewGuid().ToString("N")[..8];
        await storage.RunAsync(WorkerStore.Seen([Beat(id, endpoint.Id, stopping: true)]));

        Assert.DoesNotContain(await storage.Workers.LiveAsync(default), w => w.WorkerId == id);
        Assert.Equal((0, 0), await storage.Workers.CountAsync(endpoint.Id, default));
    }

    [Fact]
    public async Task A_live_worker_lists_the_running_jobs_whose_lease_it_holds_filtered_by_endpoint_when_asked()
    {
        var endpoint = StorageFixture.NewEndpoint();
        var other = StorageFixture.NewEndpoint();
        var id = "w-" + Guid.NewGuid().ToString("N")[..8];
        var mine = (await storage.InsertAsync(endpoint)).Single();
        var theirs = (await storage.InsertAsync(other)).Single();
        await storage.RunAsync(WorkerStore.Seen([Beat(id, endpoint.Id, running: 2)]));
        await storage.RunAsync(JobStore.Started(
            [new JobStarted(mine.Id, 1, id, "cuda:0", DateTimeOffset.UtcNow, "t"), new JobStarted(theirs.Id, 1, id, "cuda:0", DateTimeOffset.UtcNow, "t")], 30));

        var all = (await storage.Workers.LiveAsync(default)).Single(w => w.WorkerId == id);
        var filtered = (await storage.Workers.LiveAsync(default, jobsOf: [endpoint.Id])).Single(w => w.WorkerId == id);

        Assert.Equal([mine.Id, theirs.Id], all.RunningJobs.Order());
        Assert.Equal([mine.Id], filtered.RunningJobs);
    }
}
