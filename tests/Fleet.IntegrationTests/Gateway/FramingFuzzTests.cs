using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Fleet.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.IntegrationTests.Gateway;

/// <summary>
/// Broken HTTP framing over a raw socket, which no HTTP client library will send: bad chunk sizes,
/// bodies shorter than their Content-Length, bodies that stop or dribble. Each is the client's
/// fault: a 4xx (400, 408, 413), never a 5xx, and never an unhandled exception in the gateway's log.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class FramingFuzzTests(FleetFixture fleet, ITestOutputHelper output)
{
    private const int Generated = 300;
    private const int Seed = 20261201;
    private const string ValidBody = """{"input": {"echo": "framing"}}""";

    [Fact]
    public async Task Broken_framing_and_stalled_bodies_get_4xx_and_no_unhandled_exception()
    {
        var gateway = fleet.Gateway;
        var unhandledBefore = Unhandled(gateway);
        var cases = NamedCases().Concat(Enumerable.Range(0, Generated).Select(i => GeneratedCase(new Random(Seed + i), i))).ToList();
        var failures = new ConcurrentBag<string>();
        var counts = new ConcurrentDictionary<string, int>();

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (c, cancellationToken) =>
        {
            var status = await SendAsync(c, cancellationToken);
            counts.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (!status.StartsWith('4') && !(c.MayBeValid && status.StartsWith('2')))
            {
                failures.Add($"{c.Name}: {status}");
            }
        });

        output.WriteLine($"{cases.Count} framings; answers: {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}"))}");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)));
        Assert.True(Unhandled(gateway) == unhandledBefore, "the gateway logged unhandled exceptions:\n" + gateway.Tail(60));
    }

    private sealed record Framing(string Name, string Headers, byte[][] Parts, TimeSpan Pause, bool MayBeValid = false);

    private static IEnumerable<Framing> NamedCases()
    {
        var body = Encoding.UTF8.GetBytes(ValidBody);
        yield return new("bad chunk size", "Transfer-Encoding: chunked", [Ascii("ZZ\r\nabc\r\n0\r\n\r\n")], TimeSpan.Zero);
        yield return new("negative chunk size", "Transfer-Encoding: chunked", [Ascii("-5\r\nabcde\r\n0\r\n\r\n")], TimeSpan.Zero);
        yield return new("chunk size past long", "Transfer-Encoding: chunked", [Ascii("FFFFFFFFFFFFFFFFFFFF\r\nabc\r\n")], TimeSpan.Zero);
        yield return new("chunk without its CRLF", "Transfer-Encoding: chunked", [Ascii("5\r\n{\"inpXX0\r\n\r\n")], TimeSpan.Zero);
        yield return new("chunked body that stops", "Transfer-Encoding: chunked", [Ascii("5\r\n{\"inp\r\n")], TimeSpan.Zero);
        yield return new("body shorter than Content-Length", $"Content-Length: {body.Length + 20}", [body], TimeSpan.Zero);
        yield return new("empty body, Content-Length 40", "Content-Length: 40", [], TimeSpan.Zero);
        yield return new("slow body", $"Content-Length: {body.Length}", [.. body.Chunk(4)], TimeSpan.FromMilliseconds(900));
        yield return new("Content-Length not a number", "Content-Length: ten", [body], TimeSpan.Zero);
        yield return new("negative Content-Length", "Content-Length: -1", [body], TimeSpan.Zero);
        yield return new("two Content-Lengths", $"Content-Length: {body.Length}\r\nContent-Length: 3", [body], TimeSpan.Zero);
        yield return new("Content-Length and chunked", $"Content-Length: {body.Length}\r\nTransfer-Encoding: chunked", [body], TimeSpan.Zero);
        yield return new("Content-Length past the limit", "Content-Length: 99999999999", [body], TimeSpan.Zero);
        yield return new("Content-Length past long", "Content-Length: 99999999999999999999999", [body], TimeSpan.Zero);
        yield return new("unknown transfer coding", "Transfer-Encoding: gzip, chunked", [Ascii("0\r\n\r\n")], TimeSpan.Zero);
    }

    /// <summary>A valid chunked body with one seeded fault in its framing.</summary>
    private static Framing GeneratedCase(Random random, int index)
    {
        var chunks = Encoding.UTF8.GetBytes(ValidBody).Chunk(1 + random.Next(12)).ToList();
        var text = new StringBuilder();
        foreach (var chunk in chunks)
        {
            text.Append($"{chunk.Length:X}\r\n").Append(Encoding.UTF8.GetString(chunk)).Append("\r\n");
        }

        text.Append("0\r\n\r\n");
        var framing = text.ToString();
        var at = random.Next(framing.Length);
        framing = random.Next(5) switch
        {
            0 => framing.Remove(at, 1),
            1 => framing.Insert(at, ((char)random.Next(0x21, 0x7f)).ToString()),
            2 => framing[..at],
            3 => framing.Insert(at, "\r\n"),
            _ => framing.Replace($"{chunks[0].Length:X}\r\n", $"{chunks[0].Length + random.Next(1, 40):X}\r\n", StringComparison.Ordinal),
        };
        // A fault may leave a framing that is valid after all (an extra character inside the JSON text).
        return new($"generated #{index}", "Transfer-Encoding: chunked", [Ascii(framing)], TimeSpan.Zero, MayBeValid: true);
    }

    /// <summary>The status code of the answer, or a word for what happened instead.</summary>
    private async Task<string> SendAsync(Framing framing, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        var address = fleet.Api.BaseAddress!;
        await client.ConnectAsync(address.Host, address.Port, cancellationToken);
        var stream = client.GetStream();
        var head = $"POST /v2/echo/run HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {FleetFixture.ApiKey}\r\n" +
            $"Content-Type: application/json\r\n{framing.Headers}\r\n\r\n";
        try
        {
            await stream.WriteAsync(Ascii(head), cancellationToken);
            foreach (var part in framing.Parts)
            {
                await stream.WriteAsync(part, cancellationToken);
                await Task.Delay(framing.Pause, cancellationToken);
            }
        }
        catch (IOException)
        {
            // The server may answer and close before the client has sent all: read what it said.
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var buffer = new byte[256];
        try
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            var line = Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
            return line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? line[9..12] : read == 0 ? "closed without an answer" : line;
        }
        catch (OperationCanceledException)
        {
            return "no answer within 30 s";
        }
        catch (IOException e)
        {
            return "connection reset: " + e.Message;
        }
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static int Unhandled(FleetProcess gateway) =>
        gateway.Output.Count(line => line.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
}
