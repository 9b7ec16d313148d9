using Fleet.Contracts;
using Fleet.Gateway.Storage;
using Fleet.StorageTests.Infrastructure;

namespace Fleet.StorageTests;

/// <summary><see cref="JobQueries"/>: status documents scoped to their endpoint, pages of dead letters, counts, parked jobs.</summary>
[Collection(StorageCollection.Name)]
public sealed class JobQueriesTests(StorageFixture storage)
{
    [Fact]
    public async Task A_job_is_found_through_its_own_endpoint_only()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint())).Single();

        Assert.Equal(JobStatusNames.InQueue, (await storage.Queries.FindAsync(job.EndpointId, job.Id, default))!.Status);
        Assert.NotNull(await storage.Queries.FindAsync(null, job.Id, default));
        Assert.Null(await storage.Queries.FindAsync("another", job.Id, default));
        Assert.False(await storage.Queries.ExistsAsync("another", job.Id, default));
    }

    [Fact]
    public async Task Dead_letters_are_listed_newest_first_page_by_page()
    {
        var endpoint = StorageFixture.NewEndpoint();
        var jobs = await storage.InsertAsync(endpoint, count: 5);
        var now = DateTimeOffset.UtcNow;
        await storage.RunAsync(JobStore.Ended(
            [.. jobs.Select(j => new JobEnding(j.Id, 1, JobStatusNames.Failed, null, "boom", now, now, "w1", "cpu", null))], now));

        var first = await storage.Queries.ListAsync(endpoint.Id, [JobStatusNames.Failed], null, 3, default);
        var second = await storage.Queries.ListAsync(endpoint.Id, [JobStatusNames.Failed], Guid.Parse(first[^1].Id), 3, default);

        // Newest first is by the time-ordered id (ids made in one millisecond order by their random part).
        Assert.Equal(jobs.Select(j => j.Id.ToString()).OrderDescending(StringComparer.Ordinal), first.Concat(second).Select(d => d.Id));
        Assert.Equal(5, (await storage.Queries.CountAsync(endpoint.Id, default)).Failed);
        Assert.Equal(0L, await storage.Queries.CountQueuedAsync(endpoint.Id, default));
    }

    [Fact]
    public async Task Parked_jobs_are_listed_oldest_first_with_each_endpoints_normal_queued_count()
    {
        var endpoint = StorageFixture.NewEndpoint();
        var parked = await storage.InsertAsync(endpoint, count: 2, queued: false);
        await storage.InsertAsync(endpoint, count: 3);

        var (jobs, normalQueued) = await storage.Queries.ParkedAsync(10_000, default);

        Assert.Equal(parked.Select(j => j.Id), jobs.Where(j => j.EndpointId == endpoint.Id).Select(j => j.Id));
        Assert.Equal(5, normalQueued[endpoint.Id]);
        Assert.Equal(5, (await storage.Queries.CountQueuedByEndpointAsync(default))[endpoint.Id]);
    }
}
