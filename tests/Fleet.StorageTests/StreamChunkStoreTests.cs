using System.Text.Json;
using Fleet.Contracts;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Storage;
using Fleet.StorageTests.Infrastructure;

namespace Fleet.StorageTests;

/// <summary><see cref="StreamChunkStore"/>: chunks handed out in order, each once, the final status only after the last.</summary>
[Collection(StorageCollection.Name)]
public sealed class StreamChunkStoreTests(StorageFixture storage)
{
    private static JobStreamed Chunk(Guid job, int sequence) => new(job, 1, sequence, JsonDocument.Parse($"\"c{sequence}\"").RootElement, "t");

    [Fact]
    public async Task Chunks_go_out_in_an_unbroken_run_each_once_and_the_ending_shows_after_the_last()
    {
        var job = (await storage.InsertAsync(StorageFixture.NewEndpoint())).Single();
        await storage.RunAsync(StreamChunkStore.Stored([Chunk(job.Id, 0), Chunk(job.Id, 2)]));

        var first = await storage.Chunks.TakeAsync(job.EndpointId, job.Id, default);
        Assert.Equal(["\"c0\""], first!.Chunks.Select(c => c.ToString()));

        await storage.RunAsync(StreamChunkStore.Stored([Chunk(job.Id, 1)]));
        var now = DateTimeOffset.UtcNow;
        await storage.RunAsync(JobStore.Ended([new JobEnding(job.Id, 1, JobStatusNames.Completed, "{}"u8.ToArray(), null, now, now, "w1", "cpu", 4)], now));
        var second = await storage.Chunks.TakeAsync(job.EndpointId, job.Id, default);
        Assert.Equal(["\"c1\"", "\"c2\""], second!.Chunks.Select(c => c.ToString()));
        Assert.Equal(JobStatusNames.InProgress, second.Status); // four chunks were streamed, three handed out

        await storage.RunAsync(StreamChunkStore.Stored([Chunk(job.Id, 3)]));
        var last = await storage.Chunks.TakeAsync(job.EndpointId, job.Id, default);
        Assert.Equal(["\"c3\""], last!.Chunks.Select(c => c.ToString()));
        Assert.Equal(JobStatusNames.Completed, last.Status);
    }

    [Fact]
    public async Task An_unknown_job_has_no_stream()
    {
        Assert.Null(await storage.Chunks.TakeAsync("st-none", Guid.NewGuid(), default));
    }
}
