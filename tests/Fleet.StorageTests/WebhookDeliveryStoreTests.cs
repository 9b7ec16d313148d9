using Fleet.Contracts;
using Fleet.Gateway.Storage;
using Fleet.Gateway.Webhooks;
using Fleet.StorageTests.Infrastructure;

namespace Fleet.StorageTests;

/// <summary><see cref="WebhookDeliveryStore"/>: claims are exclusive, attempts are recorded only under their claim.</summary>
[Collection(StorageCollection.Name)]
public sealed class WebhookDeliveryStoreTests(StorageFixture storage)
{
    private async Task<Guid> EndedJobWithWebhookAsync()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint(), webhook: "https://example.org/hook")).Single();
        await storage.Jobs.CancelAsync(job.EndpointId, job.Id, DateTimeOffset.UtcNow, default);
        return job.Id;
    }

    [Fact]
    public async Task Concurrent_claims_never_take_the_same_delivery_twice()
    {
        var jobs = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            jobs.Add(await EndedJobWithWebhookAsync());
        }

        var now = DateTimeOffset.UtcNow.AddSeconds(1);
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            storage.Deliveries.ClaimDueAsync(now, now.AddMinutes(1).AddTicks(i * 10), 10, default)));

        var ours = claims.SelectMany(c => c).Where(d => jobs.Contains(d.Job.Id)).ToList();
        Assert.Equal(ours.Count, ours.Select(d => d.Id).Distinct().Count());
        Assert.Equal(40, ours.Count);
    }

    [Fact]
    public async Task An_attempt_is_recorded_under_its_claim_and_not_under_a_claim_that_was_taken_over()
    {
        var jobId = await EndedJobWithWebhookAsync();
        var now = DateTimeOffset.UtcNow.AddSeconds(1);
        var claimedUntil = new DateTimeOffset(now.AddMinutes(1).Ticks / 10 * 10, TimeSpan.Zero);
        var delivery = (await storage.Deliveries.ClaimDueAsync(now, claimedUntil, 1000, default)).Single(d => d.Job.Id == jobId);
        var stale = delivery with { ClaimedUntil = claimedUntil.AddSeconds(-5) };
        var attempt = new DeliveryAttempt(now, 200, null, 12, "delivered", now);

        Assert.False(await storage.Deliveries.RecordAsync(stale, attempt, default));
        Assert.True(await storage.Deliveries.RecordAsync(delivery, attempt, default));

        var listed = Assert.Single(await storage.Deliveries.ListAsync(jobId, default));
        Assert.Equal("delivered", listed.State);
        Assert.Equal(200, listed.Attempts[0].GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_resend_adds_a_delivery_only_for_an_ended_job_with_a_webhook()
    {
        var ended = await EndedJobWithWebhookAsync();
        var queued = (await storage.InsertAsync(StorageFixture.NewEndpoint(), webhook: "https://example.org/hook")).Single();
        var endpointOfEnded = await storage.ScalarAsync<string>("SELECT endpoint_id FROM jobs WHERE id = $1", ended);

        Assert.True(await storage.Deliveries.ResendAsync(endpointOfEnded, ended, DateTimeOffset.UtcNow, default));
        Assert.False(await storage.Deliveries.ResendAsync(queued.EndpointId, queued.Id, DateTimeOffset.UtcNow, default));
        Assert.Equal(JobStatusNames.InQueue, await storage.ScalarAsync<string>("SELECT status FROM jobs WHERE id = $1", queued.Id));
        Assert.Equal(2, (await storage.Deliveries.ListAsync(ended, default)).Count);
    }
}
