using Fleet.Contracts;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Routing;
using Fleet.Gateway.Storage;
using Fleet.StorageTests.Infrastructure;

namespace Fleet.StorageTests;

/// <summary>Transitions (<c>JobStore.Transitions.cs</c>): each ends or requeues jobs in one transaction with its rows.</summary>
[Collection(StorageCollection.Name)]
public sealed class JobStoreTransitionTests(StorageFixture storage)
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    private Task<string> StatusAsync(Guid id) => storage.ScalarAsync<string>("SELECT status FROM jobs WHERE id = $1", id);

    private Task<long> BroadcastsOfAsync(Guid id) => storage.ScalarAsync<long>(
        "SELECT count(*) FROM outbox_messages WHERE message_type = $1 AND body::text LIKE '%' || $2 || '%'", typeof(JobsCancelled).FullName!, id.ToString());

    [Fact]
    public async Task Cancel_ends_a_queued_job_once_with_its_webhook_delivery_and_one_broadcast()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint(), webhook: "https://example.org/hook")).Single();

        var ended = await storage.Jobs.CancelAsync(job.EndpointId, job.Id, s_now, default);
        var again = await storage.Jobs.CancelAsync(job.EndpointId, job.Id, s_now, default);

        Assert.Equal([job.Id], ended.Ids);
        Assert.True(ended.Webhooks);
        Assert.Empty(again.Ids);
        Assert.Equal(JobStatusNames.Cancelled, await StatusAsync(job.Id));
        Assert.Equal(1L, await storage.ScalarAsync<long>("SELECT count(*) FROM webhook_deliveries WHERE job_id = $1", job.Id));
        Assert.Equal(1L, await BroadcastsOfAsync(job.Id));
    }

    [Fact]
    public async Task Cancel_does_not_reach_a_job_of_another_endpoint()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint())).Single();

        Assert.Empty((await storage.Jobs.CancelAsync("another-endpoint", job.Id, s_now, default)).Ids);
        Assert.Equal(JobStatusNames.InQueue, await StatusAsync(job.Id));
    }

    [Fact]
    public async Task Purge_ends_the_queued_jobs_of_its_endpoint_only()
    {
        var endpoint = StorageFixture.NewEndpoint();
        var jobs = await storage.InsertAsync(endpoint, count: 3);
        var other = (await storage.InsertAsync(StorageFixture.NewEndpoint())).Single();
        await storage.RunAsync(JobStore.Started([new JobStarted(jobs[0].Id, 1, "w1", "cpu", s_now, "t")], 30));

        var ended = await storage.Jobs.PurgeQueueAsync(endpoint.Id, s_now, default);

        Assert.Equal(jobs.Skip(1).Select(j => j.Id).Order(), ended.Ids.Order());
        Assert.Equal(JobStatusNames.InProgress, await StatusAsync(jobs[0].Id));
        Assert.Equal(JobStatusNames.InQueue, await StatusAsync(other.Id));
    }

    [Fact]
    public async Task A_lost_lease_requeues_the_job_as_its_next_attempt_and_fails_it_after_the_last_allowed_loss()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint())).Single();
        await storage.RunAsync(JobStore.Started([new JobStarted(job.Id, 1, "w1", "cpu", s_now, "t")], -1));

        Assert.True(await storage.Jobs.AnyLeaseExpiredAsync(default));
        var (requeued, superseded) = await storage.Jobs.RequeueLostAsync(maxLosses: 1, s_now, default);

        Assert.True(requeued >= 1);
        Assert.Contains(((AttemptsSuperseded)superseded!.Message).Jobs, a => a.JobId == job.Id && a.Current == 2);
        Assert.Equal(1L, await storage.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE job_id = $1 AND attempt = 2", job.Id));

        await storage.RunAsync(JobStore.Started([new JobStarted(job.Id, 2, "w2", "cpu", s_now, "t")], -1));
        var failed = await storage.Jobs.FailLostAsync(maxLosses: 1, s_now, default);

        Assert.Contains(job.Id, failed.Ids);
        Assert.Equal(JobStatusNames.Failed, await StatusAsync(job.Id));
    }

    [Fact]
    public async Task Retry_queues_an_ended_job_again_routed_anew_and_refuses_one_that_has_not_ended()
    {
        var endpoint = StorageFixture.NewEndpoint();
        var job = (await storage.InsertAsync(endpoint)).Single();
        var route = new RoutingDecision(FleetNames.JobQueue(endpoint.Id, Hardware.Cpu), "rerouted");

        Assert.False(await storage.Jobs.RetryAsync(endpoint.Id, job.Id, (_, _) => route, s_now, default));
        await storage.RunAsync(JobStore.Ended(
            [new JobEnding(job.Id, 1, JobStatusNames.Failed, null, "boom", s_now, s_now, "w1", "cpu", null)], s_now));
        Assert.True(await storage.Jobs.RetryAsync(endpoint.Id, job.Id, (_, _) => route, s_now, default));

        Assert.Equal(JobStatusNames.InQueue, await StatusAsync(job.Id));
        Assert.Equal("rerouted", await storage.ScalarAsync<string>("SELECT routing FROM jobs WHERE id = $1", job.Id));
        Assert.Equal(1L, await storage.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE job_id = $1 AND attempt = 2", job.Id));
    }

    [Fact]
    public async Task Release_claims_a_parked_job_once()
    {
        var endpoint = StorageFixture.NewEndpoint();
        var job = (await storage.InsertAsync(endpoint, queued: false)).Single();
        var queue = FleetNames.JobQueue(endpoint.Id, Hardware.Cpu);

        Assert.True(await storage.Jobs.ReleaseAsync(job.Id, queue, "released", s_now, default));
        Assert.False(await storage.Jobs.ReleaseAsync(job.Id, queue, "released again", s_now, default));

        Assert.Equal(1L, await storage.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE job_id = $1", job.Id));
    }

    [Fact]
    public async Task Expiry_ends_only_queued_jobs_past_their_ttl()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint())).Single();
        await using (var ttl = storage.Database.CreateCommand("UPDATE jobs SET ttl_ms = 10000, created_at = now() - interval '1 minute' WHERE id = $1"))
        {
            ttl.Parameters.Add(new() { Value = job.Id });
            await ttl.ExecuteNonQueryAsync();
        }

        var ended = await storage.Jobs.ExpireQueuedAsync(DateTimeOffset.UtcNow, default);

        Assert.Contains(job.Id, ended.Ids);
        Assert.Equal(JobStatusNames.TimedOut, await StatusAsync(job.Id));
    }
}
