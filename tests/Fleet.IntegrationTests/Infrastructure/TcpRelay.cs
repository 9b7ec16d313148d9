using System.Net;
using System.Net.Sockets;

namespace Fleet.IntegrationTests.Infrastructure;

/// <summary>
/// A port that forwards TCP connections to <paramref name="target"/> once <see cref="Open"/> is called, and refuses them
/// (nothing listens) until then: a server that is down for a while, then back, as its clients see it.
/// </summary>
public sealed class TcpRelay(Uri target) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;

    /// <summary>The relay's address: the target's with the relay's port (reserved when the relay was made).</summary>
    public Uri Address { get; } = new UriBuilder(target) { Port = FreePort() }.Uri;

    public void Open()
    {
        _listener = new TcpListener(IPAddress.Loopback, Address.Port);
        _listener.Start();
        _ = AcceptAsync(_listener);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener?.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(target.Host, target.Port, _stop.Token);
                var a = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
                var b = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                await Task.WhenAny(a, b);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // One side went away: the connection ends, as it would through any proxy.
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
