using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Webhooks;

/// <summary>
/// SSRF guard: webhooks may not reach loopback, private, link-local, unique-local, multicast or
/// unspecified addresses (which include the cloud metadata address 169.254.169.254) unless the
/// configuration allows the host. Checked when a job is submitted and again when the sender
/// connects, on the address it connects to, so a name that later resolves elsewhere gains nothing.
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
            addresses = IPAddress.TryParse(url.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(url.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return $"The host '{url.Host}' does not resolve.";
        }

        var refused = addresses.FirstOrDefault(a => !IsAllowed(url.IdnHost, a));
        return refused is null ? null : $"The host '{url.Host}' resolves to {refused}, a loopback, private or link-local address; webhooks may not call it.";
    }

    /// <summary>Whether the sender may connect to <paramref name="address"/>, one of <paramref name="host"/>'s addresses.</summary>
    public bool IsAllowed(string host, IPAddress address) => IsAllowedHost(host) || IsAllowedHost(address.ToString()) || IsPublic(address);

    private bool IsAllowedHost(string host) => options.Value.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    private static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal);
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 10                                   // private
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)      // private
            || (b[0] == 192 && b[1] == 168)                   // private
            || (b[0] == 169 && b[1] == 254)                   // link-local, cloud metadata
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)     // carrier-grade NAT
            || b[0] == 0 || b[0] >= 224);                     // "this network", multicast, reserved
    }
}
