using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.UnitTests.Support;

/// <summary>
/// A tiny HTTP server in the test that records every request and answers as <see cref="Answer"/>
/// says: the gateway's deploy routes, before they exist. By default a package is stored (201) and an
/// endpoint created (<c>{"result": "created", "version": 1}</c>).
/// </summary>
public sealed class RecordingGateway : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public RecordingGateway()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Address = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Address.AbsoluteUri);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public Uri Address { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Func<RecordedRequest, (HttpStatusCode Status, string Body)> Answer { get; set; } = request =>
        request.Path.StartsWith("/v1/packages/", StringComparison.Ordinal)
            ? (HttpStatusCode.Created, "")
            : (HttpStatusCode.OK, """{"result": "created", "version": 1}""");

    /// <summary>When set, answers in its place with bytes (<c>application/zip</c>): packages to download.</summary>
    public Func<RecordedRequest, (HttpStatusCode Status, byte[] Body)>? BinaryAnswer { get; set; }

    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers;
            var request = new RecordedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath,
                context.Request.ContentType, headers["Authorization"], headers["Content-Length"], body.ToArray(),
                headers["X-Fleet-Package-Signature"]);
            Requests.Enqueue(request);
            var (status, bytes) = BinaryAnswer is { } binary ? binary(request) : Text(Answer(request));
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = BinaryAnswer is null ? "application/json" : "application/zip";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private static (HttpStatusCode, byte[]) Text((HttpStatusCode Status, string Body) answer) =>
        (answer.Status, Encoding.UTF8.GetBytes(answer.Body));
}
