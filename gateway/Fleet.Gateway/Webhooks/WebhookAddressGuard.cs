using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Webhooks;

/// <summary>
/// SSRF guard: webhooks may reach only public addresses (<see cref="WebhookAddressClassifier"/>: not
/// loopback, private, link-local with the cloud metadata address 169.254.169.254, reserved, nor an IPv6
/// form that leads to such an IPv4 address) unless the configuration allows the host. Checked when a
/// job is submitted and again when the sender connects, on the address it connects to, so a name that
/// later resolves elsewhere gains nothing.
/// </summary>
public sealed class WebhookAddressGuard(IOptions<WebhookOptions> options)
{
    /// <summary>Null when the URL may be called, else why not.</summary>
    public async Task<string?> CheckAsync(Uri url, CancellationToken cancellationToken)
    {
        if (IsAllowedHost(url.IdnHost))
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(url.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(url.IdnHost,
                cancellationToken);
        }
        catch (SocketException)
        {
            return $"The host '{url.Host}' does not resolve.";
        }

        foreach (var address in addresses)
        {
            if (!IsAllowedHost(address.ToString()) && !WebhookAddressClassifier.IsPublic(address, out var reason))
            {
                return $"The host '{url.Host}' resolves to {address} ({reason}); webhooks may call only public addresses.";
            }
        }

        return null;
    }

    /// <summary>Whether the sender may connect to <paramref name="address"/>, one of <paramref name="host"/>'s addresses.</summary>
    public bool IsAllowed(string host, IPAddress address) =>
        IsAllowedHost(host) || IsAllowedHost(address.ToString()) || WebhookAddressClassifier.IsPublic(address, out _);

    private bool IsAllowedHost(string host) => options.Value.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);
}
