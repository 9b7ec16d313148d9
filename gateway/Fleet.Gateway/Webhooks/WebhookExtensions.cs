using System.Net;
using System.Net.Sockets;
using Fleet.ServiceDefaults;

namespace Fleet.Gateway.Webhooks;

public static class WebhookExtensions
{
    /// <summary>The webhook sender and its HTTP client: no redirects, and the SSRF guard applied when connecting.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<WebhookOptions>(builder.Configuration, WebhookOptions.Section);
        services.AddSingleton<WebhookAddressGuard>();
        services.AddHostedSingleton<WebhookSender>();
        services.AddHttpClient(WebhookSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var guard = sp.GetRequiredService<WebhookAddressGuard>();
                return new SocketsHttpHandler
                {
                    // A redirect could lead anywhere, the metadata address included: never follow one.
                    AllowAutoRedirect = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    ConnectCallback = async (context, cancellationToken) =>
                    {
                        var host = context.DnsEndPoint.Host;
                        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host,
                            cancellationToken);
                        var allowed = addresses.Where(a => guard.IsAllowed(host, a)).ToArray();
                        if (allowed.Length == 0)
                        {
                            throw new HttpRequestException($"webhook host {host} resolves only to refused addresses (SSRF guard)");
                        }

                        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        try
                        {
                            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                            return new NetworkStream(socket, ownsSocket: true);
                        }
                        catch
                        {
                            socket.Dispose();
                            throw;
                        }
                    },
                };
            })
            .RemoveAllLoggers();
        return builder;
    }
}
