using System.Net;
using Fleet.Gateway.Webhooks;

namespace Fleet.UnitTests.Gateway;

/// <summary>Pure classification: no address here is ever connected to or resolved.</summary>
public sealed class WebhookAddressClassifierTests
{
    [Theory]
    // IPv4 ranges that are not public.
    [InlineData("0.0.0.0", "\"this network\"")]
    [InlineData("0.255.1.2", "\"this network\"")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("100.127.255.254", "carrier-grade NAT")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.0.0.8", "IETF protocol assignments")]
    [InlineData("192.0.2.10", "documentation")]
    [InlineData("192.88.99.1", "6to4 relay anycast")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("198.19.255.255", "benchmarking")]
    [InlineData("198.51.100.7", "documentation")]
    [InlineData("203.0.113.9", "documentation")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("240.0.0.1", "reserved")]
    [InlineData("255.255.255.255", "broadcast")]
    // IPv6 ranges that are not public.
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("100::1", "discard-only")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("2001:10::1", "ORCHID")]
    [InlineData("2001:1f::1", "ORCHID")]
    [InlineData("2001:20::1", "ORCHIDv2")]
    [InlineData("2001:2f::1", "ORCHIDv2")]
    [InlineData("fc00::1", "unique-local")]
    [InlineData("fd12:3456::1", "unique-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fe80::1%2", "link-local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("4000::1", "reserved, outside global unicast 2000::/3")]
    // IPv6 forms that lead to an IPv4 address that is not public.
    [InlineData("::ffff:10.0.0.1", "IPv4-mapped address embedding 10.0.0.1, private")]
    [InlineData("::ffff:169.254.169.254", "IPv4-mapped address embedding 169.254.169.254, link-local")]
    [InlineData("64:ff9b::a9fe:a9fe", "NAT64 address embedding 169.254.169.254, link-local")]
    [InlineData("64:ff9b::7f00:1", "NAT64 address embedding 127.0.0.1, loopback")]
    [InlineData("64:ff9b::c0a8:101", "NAT64 address embedding 192.168.1.1, private")]
    [InlineData("64:ff9b:1::a9fe:a9fe", "local-use NAT64, not globally reachable")]
    [InlineData("64:ff9b:1:2:3::808:808", "local-use NAT64, not globally reachable")]
    [InlineData("2002:a9fe:a9fe::1", "6to4 address embedding 169.254.169.254, link-local")]
    [InlineData("2002:7f00:1::", "6to4 address embedding 127.0.0.1, loopback")]
    [InlineData("2002:a00:1:5::1", "6to4 address embedding 10.0.0.1, private")]
    [InlineData("::169.254.169.254", "IPv4-compatible address embedding 169.254.169.254, link-local")]
    [InlineData("::10.0.0.1", "IPv4-compatible address embedding 10.0.0.1, private")]
    [InlineData("::8.8.8.8", "IPv4-compatible address embedding 8.8.8.8, a deprecated form")]
    // Teredo: server 169.254.169.254 in clear; client 10.0.0.1 stored inverted (f5ff:fffe).
    [InlineData("2001:0:a9fe:a9fe::1", "Teredo address with server 169.254.169.254, link-local")]
    [InlineData("2001:0:808:808:0:0:f5ff:fffe", "Teredo address with client 10.0.0.1, private")]
    [InlineData("2001:0:808:808:8000:f227:5601:5601", "Teredo address with client 169.254.169.254, link-local")]
    public void Refuses_address_naming_its_range(string address, string reason)
    {
        Assert.False(WebhookAddressClassifier.IsPublic(IPAddress.Parse(address), out var actual));
        Assert.Equal(reason, actual);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("198.20.0.1")]
    [InlineData("223.255.255.254")]
    [InlineData("2606:4700::1111")]
    [InlineData("2a00:1450:4001:80b::200e")]
    [InlineData("64:ff9b::808:808")]          // NAT64 of 8.8.8.8
    [InlineData("2002:808:808::1")]           // 6to4 of 8.8.8.8
    [InlineData("2001:0:808:808:0:0:f7f7:f7f7")] // Teredo: server 8.8.8.8, client 8.8.8.8
    [InlineData("::ffff:8.8.8.8")]
    public void Accepts_public_address(string address)
    {
        Assert.True(WebhookAddressClassifier.IsPublic(IPAddress.Parse(address), out var reason), reason);
    }
}
