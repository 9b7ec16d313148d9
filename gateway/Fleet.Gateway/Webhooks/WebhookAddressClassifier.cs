using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Fleet.Gateway.Webhooks;

/// <summary>
/// Whether an address is publicly routable, and if not, which special range holds it. An IPv6 form
/// that carries an IPv4 address to a translator or tunnel (IPv4-mapped, NAT64, 6to4, Teredo) is
/// judged by the IPv4 address it leads to, so [64:ff9b::a9fe:a9fe] is the metadata address.
/// Ranges from the IANA special-purpose address registries (RFC 6890 and its updates).
/// </summary>
public static class WebhookAddressClassifier
{
    private static readonly (IPNetwork Network, string Reason)[] _v4 =
    [
        (IPNetwork.Parse("255.255.255.255/32"), "broadcast"),
        (IPNetwork.Parse("0.0.0.0/8"), "\"this network\""),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "carrier-grade NAT"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "IETF protocol assignments"),
        (IPNetwork.Parse("192.0.2.0/24"), "documentation"),
        (IPNetwork.Parse("192.88.99.0/24"), "6to4 relay anycast"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        (IPNetwork.Parse("198.51.100.0/24"), "documentation"),
        (IPNetwork.Parse("203.0.113.0/24"), "documentation"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
    ];

    // Checked after the forms that embed IPv4 (some of which lie in 2001::/23 or outside 2000::/3).
    private static readonly (IPNetwork Network, string Reason)[] _v6 =
    [
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("100::/64"), "discard-only"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "local-use NAT64, not globally reachable"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation"),
        (IPNetwork.Parse("2001:10::/28"), "ORCHID"),
        (IPNetwork.Parse("2001:20::/28"), "ORCHIDv2"),
        (IPNetwork.Parse("fc00::/7"), "unique-local"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork _compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork _nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork _sixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork _teredo = IPNetwork.Parse("2001::/32");
    private static readonly IPNetwork _globalUnicast = IPNetwork.Parse("2000::/3");

    /// <summary>
    /// True when <paramref name="address"/> is publicly routable; otherwise <paramref name="reason"/> names the
    /// range, e.g. "NAT64 address embedding 169.254.169.254, link-local".
    /// </summary>
    public static bool IsPublic(IPAddress address, [NotNullWhen(false)] out string? reason)
    {
        reason = address.AddressFamily switch
        {
            AddressFamily.InterNetwork => V4Reason(address),
            AddressFamily.InterNetworkV6 => V6Reason(address),
            _ => "not an IP address",
        };
        return reason is null;
    }

    private static string? V4Reason(IPAddress address) => _v4.FirstOrDefault(r => r.Network.Contains(address)).Reason;

    private static string? V6Reason(IPAddress address)
    {
        // The scope id (fe80::1%eth0) plays no part in which range holds the address.
        var bytes = address.GetAddressBytes();
        var plain = new IPAddress(bytes);
        // Tested by flag: IPNetwork.Contains matches a mapped address only against IPv4 networks.
        if (plain.IsIPv4MappedToIPv6)
        {
            return Embedding("IPv4-mapped address embedding", V4At(bytes, 12));
        }

        if (_v6.FirstOrDefault(r => r.Network.Contains(plain)).Reason is { } special)
        {
            return special;
        }

        if (_nat64.Contains(plain))
        {
            return Embedding("NAT64 address embedding", V4At(bytes, 12));
        }

        if (_sixToFour.Contains(plain))
        {
            return Embedding("6to4 address embedding", V4At(bytes, 2));
        }

        if (_teredo.Contains(plain))
        {
            // RFC 4380: the server's address in clear, the client's with every bit inverted.
            var client = new IPAddress(bytes[12..16].Select(b => (byte)~b).ToArray());
            return Embedding("Teredo address with server", V4At(bytes, 4)) ?? Embedding("Teredo address with client", client);
        }

        if (_compatible.Contains(plain))
        {
            // Deprecated (RFC 4291 §2.5.5.1): no legitimate receiver uses it, so it is refused whatever it embeds.
            var v4 = V4At(bytes, 12);
            return $"IPv4-compatible address embedding {v4}, {V4Reason(v4) ?? "a deprecated form"}";
        }

        return _globalUnicast.Contains(plain) ? null : "reserved, outside global unicast 2000::/3";
    }

    private static IPAddress V4At(byte[] bytes, int offset) => new(bytes.AsSpan(offset, 4));

    private static string? Embedding(string form, IPAddress v4) => V4Reason(v4) is { } reason ? $"{form} {v4}, {reason}" : null;
}
