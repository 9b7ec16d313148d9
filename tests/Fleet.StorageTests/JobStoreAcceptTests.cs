using Fleet.Contracts;
using Fleet.Gateway.Storage;
using Fleet.StorageTests.Infrastructure;

namespace Fleet.StorageTests;

/// <summary><see cref="JobStore.InsertNew"/> and <see cref="JobStore.JobsOfKeys"/>: the acceptor's one statement.</summary>
[Collection(StorageCollection.Name)]
public sealed class JobStoreAcceptTests(StorageFixture storage)
{
    [Fact]
    public async Task Inserts_queued_jobs_with_their_input_verbatim_and_one_run_job_row_each_that_refers_to_the_job()
    {
        var endpoint = StorageFixture.NewEndpoint();
        var jobs = await storage.InsertAsync(endpoint, count: 3, input: """{"echo" :  [1, 2.50]}""");

        foreach (var job in jobs)
        {
            Assert.Equal(JobStatusNames.InQueue, await storage.ScalarAsync<string>("SELECT status FROM jobs WHERE id = $1", job.Id));
            Assert.Equal("""{"echo" :  [1, 2.50]}""", await storage.ScalarAsync<string>("SELECT input::text FROM jobs WHERE id = $1", job.Id));
            Assert.Equal(1L, await storage.ScalarAsync<long>(
                "SELECT count(*) FROM outbox_messages WHERE job_id = $1 AND attempt = 1 AND body IS NULL AND id = $2", job.Id, job.Message!.Id));
        }
    }

    [Fact]
    public async Task A_parked_job_is_stored_without_a_run_job_row()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint(), queued: false)).Single();

        Assert.Equal(0L, await storage.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE job_id = $1", job.Id));
        Assert.True(await storage.ScalarAsync<bool>("SELECT queue IS NULL FROM jobs WHERE id = $1", job.Id));
    }

    [Fact]
    public async Task A_repeated_idempotency_key_stores_no_second_job_nor_row_and_the_lookup_names_the_first()
    {
        var endpoint = StorageFixture.NewEndpoint();
        var key = "digest-" + Guid.NewGuid().ToString("N");
        var first = (await storage.InsertAsync(endpoint, idempotencyKey: key)).Single();
        var again = (await storage.InsertAsync(endpoint, idempotencyKey: key)).Single();

        Assert.Equal(1L, await storage.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE endpoint_id = $1", endpoint.Id));
        Assert.Equal(0L, await storage.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE job_id = $1", again.Id));
        await using var batch = storage.Database.CreateBatch().With(JobStore.JobsOfKeys([again]));
        await using var reader = await batch.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(first.Id, reader.GetGuid(1));
    }

    [Fact]
    public void Without_idempotency_keys_there_is_no_lookup()
    {
        Assert.Null(JobStore.JobsOfKeys([]));
    }
}
