using System.Text.Json;
using Fleet.Contracts;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Storage;
using Fleet.StorageTests.Infrastructure;

namespace Fleet.StorageTests;

/// <summary>The statements of workers' reports (<c>JobStore.Reports.cs</c>), guarded by status and attempt.</summary>
[Collection(StorageCollection.Name)]
public sealed class JobStoreReportTests(StorageFixture storage)
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    private Task<string> StatusAsync(Guid id) => storage.ScalarAsync<string>("SELECT status FROM jobs WHERE id = $1", id);

    private static JobEnding Completed(Guid id, int attempt = 1, string output = """{"echo":1}""") =>
        new(id, attempt, JobStatusNames.Completed, System.Text.Encoding.UTF8.GetBytes(output), null, s_now, s_now, "w1", "cpu", null);

    [Fact]
    public async Task A_start_takes_the_lease_and_a_start_of_an_older_attempt_changes_nothing()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint())).Single();

        Assert.Equal(0, await storage.RunAsync(JobStore.Started([new JobStarted(job.Id, 2, "w1", "cpu", s_now, "t")], 30)));
        Assert.Equal(1, await storage.RunAsync(JobStore.Started([new JobStarted(job.Id, 1, "w1", "cpu", s_now, "t")], 30)));

        Assert.Equal(JobStatusNames.InProgress, await StatusAsync(job.Id));
        Assert.True(await storage.ScalarAsync<bool>("SELECT lease_expires_at > now() + interval '25 seconds' FROM jobs WHERE id = $1", job.Id));
    }

    [Fact]
    public async Task An_ending_is_recorded_once_with_its_output_and_a_delivery_for_a_webhook_job()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint(), webhook: "https://example.org/hook")).Single();

        await storage.RunAsync(JobStore.Ended([Completed(job.Id, output: """{"echo":"first"}""")], s_now));
        await storage.RunAsync(JobStore.Ended([Completed(job.Id, output: """{"echo":"late"}""")], s_now));

        Assert.Equal(JobStatusNames.Completed, await StatusAsync(job.Id));
        Assert.Equal("""{"echo":"first"}""", await storage.ScalarAsync<string>("SELECT output::text FROM jobs WHERE id = $1", job.Id));
        Assert.Equal(1L, await storage.ScalarAsync<long>(
            "SELECT count(*) FROM webhook_deliveries WHERE job_id = $1 AND state = 'pending' AND url = 'https://example.org/hook'", job.Id));
    }

    [Fact]
    public async Task A_retried_failure_queues_the_next_attempt_with_a_run_job_row_due_after_its_backoff()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint(maxAttempts: 3))).Single();

        await storage.RunAsync(JobStore.Retried([new JobRetry(job.Id, 1, "attempt 1 failed: boom", 2_000)], s_now));
        await storage.RunAsync(JobStore.Retried([new JobRetry(job.Id, 1, "attempt 1 failed: again", 2_000)], s_now));

        Assert.Equal(2, await storage.ScalarAsync<int>("SELECT attempt FROM jobs WHERE id = $1", job.Id));
        Assert.Equal(JobStatusNames.InQueue, await StatusAsync(job.Id));
        Assert.Equal(1L, await storage.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE job_id = $1 AND attempt = 2 AND not_before >= $2", job.Id, s_now.AddMilliseconds(1_999)));
    }

    [Fact]
    public async Task Progress_keeps_the_latest_report_and_leases_are_renewed_only_for_the_holder_and_its_attempt()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint())).Single();
        await storage.RunAsync(JobStore.Started([new JobStarted(job.Id, 1, "w1", "cpu", s_now, "t")], 1));

        await storage.RunAsync(JobStore.Progressed([new JobProgressed(job.Id, 1, "half", 50, s_now.AddSeconds(2), "t")], 30));
        await storage.RunAsync(JobStore.Progressed([new JobProgressed(job.Id, 1, "older", 10, s_now.AddSeconds(1), "t")], 30));
        var renewedByOther = await storage.RunAsync(JobStore.LeasesRenewed([("w2", new RunningAttempt(job.Id, 1, "t"))], 60));
        var renewedOldAttempt = await storage.RunAsync(JobStore.LeasesRenewed([("w1", new RunningAttempt(job.Id, 0, "t"))], 60));
        var renewed = await storage.RunAsync(JobStore.LeasesRenewed([("w1", new RunningAttempt(job.Id, 1, "t"))], 60));

        Assert.Equal("half", await storage.ScalarAsync<string>("SELECT progress_message FROM jobs WHERE id = $1", job.Id));
        Assert.Equal((0, 0, 1), (renewedByOther, renewedOldAttempt, renewed));
    }

    [Fact]
    public async Task Stream_chunks_are_stored_once_however_often_they_are_reported()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint())).Single();
        var chunk = new JobStreamed(job.Id, 1, 0, JsonDocument.Parse("\"a\"").RootElement, "t");

        await storage.RunAsync(StreamChunkStore.Stored([chunk]));
        await storage.RunAsync(StreamChunkStore.Stored([chunk]));

        Assert.Equal(1L, await storage.ScalarAsync<long>("SELECT count(*) FROM job_stream_chunks WHERE job_id = $1", job.Id));
    }
}
