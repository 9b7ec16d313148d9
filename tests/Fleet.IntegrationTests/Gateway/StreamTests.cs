using System.Collections.Concurrent;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>/stream: every chunk handed out once, in order, and the final status only after the last one.</summary>
[Collection(FleetCollection.Name)]
public sealed class StreamTests(FleetFixture fleet)
{
    private async Task<JsonElement> StreamAsync(string id)
    {
        using var response = await fleet.Api.GetAsync($"v2/echo/stream/{id}");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Chunks_come_out_in_order_once_each_even_to_two_readers_and_then_the_final_status()
    {
        var chunks = Enumerable.Range(0, 40).Select(i => $"\"chunk-{i}\"");
        var id = await fleet.SubmitAsync("echo", $$$"""{"input": {"stream": [{{{string.Join(", ", chunks)}}}]}}""");
        var taken = new ConcurrentBag<(int Reader, int Call, int Index, string Chunk)>();

        async Task ReadUntilEndAsync(int reader)
        {
            for (var call = 0; ; call++)
            {
                var page = await StreamAsync(id);
                var items = page.GetProperty("stream").EnumerateArray().Select(i => i.GetProperty("output").GetString()!).ToList();
                for (var i = 0; i < items.Count; i++)
                {
                    taken.Add((reader, call, i, items[i]));
                }

                if (page.GetProperty("status").GetString() == "COMPLETED")
                {
                    return;
                }

                await Task.Delay(5);
            }
        }

        await Task.WhenAll(ReadUntilEndAsync(0), ReadUntilEndAsync(1)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(40, taken.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"chunk-{i}"), taken.Select(t => t.Chunk).Order(StringComparer.Ordinal).OrderBy(c => int.Parse(c[6..])));
        // Each reader saw its chunks in stream order.
        foreach (var reader in taken.GroupBy(t => t.Reader))
        {
            var seen = reader.OrderBy(t => t.Call).ThenBy(t => t.Index).Select(t => int.Parse(t.Chunk[6..])).ToList();
            Assert.Equal(seen.Order(), seen);
        }

        var after = await StreamAsync(id);
        Assert.Equal("COMPLETED", after.GetProperty("status").GetString());
        Assert.Equal(0, after.GetProperty("stream").GetArrayLength());
    }

    [Fact]
    public async Task Streaming_an_unknown_job_is_a_404()
    {
        using var response = await fleet.Api.GetAsync($"v2/echo/stream/{Guid.CreateVersion7()}");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
