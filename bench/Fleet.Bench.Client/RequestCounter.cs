namespace Fleet.Bench.Client;

/// <summary>Counts every HTTP attempt the client makes (retries included), through handlers inside its retry pipeline.</summary>
public sealed class RequestCounter
{
    private long _requests;
    private long _refused;

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Attempts answered 429 (admission or rate limit), which the client retried.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>A new handler for each pipeline the HttpClient factory builds, all counting here.</summary>
    public DelegatingHandler Handler() => new Counting(this);

    private sealed class Counting(RequestCounter counter) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref counter._requests);
            var response = await base.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode == 429)
            {
                Interlocked.Increment(ref counter._refused);
            }

            return response;
        }
    }
}
