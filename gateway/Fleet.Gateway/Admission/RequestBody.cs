using Fleet.Gateway.Api;
using Fleet.Gateway.Auth;
using Fleet.Gateway.FrontDoor;
using Microsoft.AspNetCore.Http.Features;

namespace Fleet.Gateway.Admission;

/// <summary>
/// A request body read whole into one array of its exact size (no pooled buffer outlives a burst of
/// large bodies), with its bytes reserved in the <see cref="BodyBudget"/> until disposed.
/// </summary>
public sealed class RequestBody : IDisposable
{
    private const int FirstChunk = 16 * 1024;
    private static readonly TimeSpan s_retry = TimeSpan.FromSeconds(1);

    private readonly BodyBudget _budget;
    private readonly string _keyId;
    private byte[] _buffer;
    private long _reserved;

    private RequestBody(BodyBudget budget, string keyId)
    {
        _budget = budget;
        _keyId = keyId;
        _buffer = [];
    }

    public ReadOnlyMemory<byte> Bytes { get; private set; }

    /// <summary>
    /// Reads the body of at most <paramref name="limit"/> bytes. Refusals are answers, never exceptions:
    /// 413 past the limit, 503/429 past the body budget, 400 for broken framing (a bad chunk), 408 for
    /// a body that stops arriving (Kestrel's minimum data rate) — client errors, not server faults.
    /// </summary>
    public static async Task<(RequestBody? Body, ApiProblem? Problem)> ReadAsync(
        HttpContext http, long limit, BodyBudget budget, CancellationToken cancellationToken)
    {
        var declared = http.Request.ContentLength;
        if (declared > limit)
        {
            return (null, ApiProblems.TooLarge(limit));
        }

        // A body without a length (chunked) is cut off by the server at the same limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        var body = new RequestBody(budget, ApiKeyFilter.CallerOf(http));
        try
        {
            var problem = await body.FillAsync(http, declared, limit, cancellationToken);
            if (problem is null)
            {
                return (body, null);
            }

            body.Dispose();
            return (null, problem);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _budget.Release(_keyId, _reserved);
        _reserved = 0;
        _buffer = [];
        Bytes = default;
    }

    private async Task<ApiProblem?> FillAsync(HttpContext http, long? declared, long limit, CancellationToken cancellationToken)
    {
        if (Grow((int)(declared ?? Math.Min(FirstChunk, limit))) is { } refused)
        {
            return refused;
        }

        var length = 0;
        try
        {
            while (true)
            {
                if (length == _buffer.Length)
                {
                    if (declared is not null || length >= limit)
                    {
                        break; // Kestrel never hands out more than Content-Length, nor more than the limit.
                    }

                    if (Grow((int)Math.Min((long)length * 2, limit)) is { } tooMuch)
                    {
                        return tooMuch;
                    }
                }

                var read = await http.Request.Body.ReadAsync(_buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch (Exception e) when (ReadProblem(e, limit) is { } problem)
        {
            return problem;
        }

        Bytes = _buffer.AsMemory(0, length);
        return null;
    }

    /// <summary>
    /// The answer to a body that could not be read, for an exception reading it threw; null for one that is not the
    /// client's doing. Kestrel reports a body past the limit, a stalled one and broken framing as
    /// <see cref="BadHttpRequestException"/> (413, 408, 400), and some framing faults as <see cref="IOException"/> (a chunk
    /// size past Int32 overflows inside it, "Bad chunk size data"), as it does a client that hung up.
    /// </summary>
    public static ApiProblem? ReadProblem(Exception exception, long limit) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ApiProblems.TooLarge(limit),
        BadHttpRequestException e => ApiProblems.UnreadableBody(e.StatusCode, e.Message),
        IOException e => ApiProblems.UnreadableBody(StatusCodes.Status400BadRequest, e.Message),
        _ => null,
    };

    /// <summary>Moves to an array of <paramref name="capacity"/> bytes once the budget allows the difference.</summary>
    private ApiProblem? Grow(int capacity)
    {
        var more = capacity - _reserved;
        if (more > 0)
        {
            switch (_budget.TryReserve(_keyId, more))
            {
                case BodyBudgetRefusal.Gateway:
                    return ApiProblems.Unavailable("The gateway is busy.",
                        "The gateway holds as many request bodies as it may; retry shortly.", s_retry);
                case BodyBudgetRefusal.Key:
                    return ApiProblems.TooManyRequests("This API key has too many request bytes in flight; retry shortly.", s_retry);
            }

            _reserved += more;
        }

        var larger = new byte[capacity];
        _buffer.CopyTo(larger, 0);
        _buffer = larger;
        return null;
    }
}
