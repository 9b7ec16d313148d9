using System.Collections.Concurrent;

namespace Fleet.IntegrationTests.Client;

/// <summary>Every HTTP attempt a client made (method, path, status), recorded by a handler inside its retry pipeline.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<(string Method, string Path, int Status)> _entries = new();

    public IReadOnlyCollection<(string Method, string Path, int Status)> Entries => _entries;

    /// <summary>Attempts whose path contains <paramref name="route"/> (e.g. <c>/batch/run</c>).</summary>
    public int Count(string route, int? status = null) =>
        _entries.Count(e => e.Path.Contains(route, StringComparison.Ordinal) && (status is null || e.Status == status));

    public DelegatingHandler Handler() => new Recorder(this);

    private sealed class Recorder(RequestLog log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            log._entries.Enqueue((request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode));
            return response;
        }
    }
}
