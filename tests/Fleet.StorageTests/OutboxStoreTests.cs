using Fleet.Contracts.Messages;
using Fleet.Gateway.Outbox;
using Fleet.Gateway.Storage;
using Fleet.StorageTests.Infrastructure;

namespace Fleet.StorageTests;

/// <summary><see cref="OutboxStore"/>: rows with bodies, RunJob rows that refer to their job, the sweep's read, the delete.</summary>
[Collection(StorageCollection.Name)]
public sealed class OutboxStoreTests(StorageFixture storage)
{
    private static readonly DateTimeOffset s_later = DateTimeOffset.UtcNow.AddMinutes(1);

    [Fact]
    public async Task A_stored_run_job_row_is_read_with_its_jobs_input_while_its_attempt_is_the_queued_one()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint(), input: """{"echo": "stored"}""")).Single();

        var row = (await storage.Outbox.ReadDueAsync(s_later, s_later, 1000, long.MaxValue, default)).Single(r => r.JobId == job.Id);

        Assert.True(row.Runnable);
        Assert.Equal("""{"echo": "stored"}""", System.Text.Encoding.UTF8.GetString(row.Input!));
        Assert.Null(row.Body);
    }

    [Fact]
    public async Task A_run_job_row_of_a_cancelled_job_is_not_runnable_and_carries_no_input()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint())).Single();
        await storage.Jobs.CancelAsync(job.EndpointId, job.Id, DateTimeOffset.UtcNow, default);

        var row = (await storage.Outbox.ReadDueAsync(s_later, s_later, 1000, long.MaxValue, default)).Single(r => r.JobId == job.Id);

        Assert.False(row.Runnable);
        Assert.Null(row.Input);
    }

    [Fact]
    public async Task A_message_with_a_body_round_trips_and_deleted_rows_are_gone()
    {
        var envelope = OutboxEnvelope.For(new JobsCancelled([Guid.NewGuid()]), destination: null, DateTimeOffset.UtcNow);
        await storage.RunAsync(OutboxStore.Insert(envelope, DateTimeOffset.UtcNow));

        var row = (await storage.Outbox.ReadDueAsync(s_later, s_later, 1000, long.MaxValue, default)).Single(r => r.Id == envelope.Id);
        Assert.Equal(typeof(JobsCancelled).FullName, row.MessageType);
        Assert.Contains(((JobsCancelled)envelope.Message).JobIds[0].ToString(), row.Body, StringComparison.Ordinal);

        await storage.Outbox.DeleteAsync([envelope.Id], default);
        Assert.Equal(0L, await storage.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE id = $1", envelope.Id));
    }

    [Fact]
    public async Task The_sweep_stops_reading_once_it_holds_its_share_of_input_bytes()
    {
        var endpoint = StorageFixture.NewEndpoint();
        var big = "{\"echo\": \"" + new string('x', 100_000) + "\"}";
        var ours = (await storage.InsertAsync(endpoint, count: 5, input: big)).Select(j => (Guid?)j.Id).ToHashSet();

        var rows = await storage.Outbox.ReadDueAsync(s_later, s_later, 1000, inputBytes: 150_000, default);

        Assert.InRange(rows.Count(r => ours.Contains(r.JobId) && r.Input is not null), 1, 2);
    }
}
