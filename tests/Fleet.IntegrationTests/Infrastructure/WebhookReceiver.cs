using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.IntegrationTests.Infrastructure;

/// <summary>A webhook receiver on loopback that records what it gets and answers as told.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<int, int> _statusForRequest;
    private int _requests;

    /// <param name="statusForRequest">The HTTP status for the n-th request (1-based).</param>
    public WebhookReceiver(Func<int, int>? statusForRequest = null)
    {
        _statusForRequest = statusForRequest ?? (_ => 200);
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    public ConcurrentQueue<Received> Requests { get; } = new();

    public void Dispose() => _listener.Close();

    /// <summary>A port nothing listens on: a receiver that is down.</summary>
    public static string DeadUrl() => $"http://127.0.0.1:{FreePort()}/hook";

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

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            Requests.Enqueue(new Received(
                context.Request.Headers["Fleet-Webhook-Id"] ?? "", context.Request.Headers["Fleet-Webhook-Timestamp"] ?? "",
                context.Request.Headers["Fleet-Webhook-Signature"], body));
            context.Response.StatusCode = _statusForRequest(Interlocked.Increment(ref _requests));
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public sealed record Received(string DeliveryId, string Timestamp, string? Signature, string Body);
}
