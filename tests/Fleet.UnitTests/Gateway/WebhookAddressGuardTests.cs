using System.Net;
using Fleet.Gateway.Webhooks;
using Microsoft.Extensions.Options;

namespace Fleet.UnitTests.Gateway;

public sealed class WebhookAddressGuardTests
{
    private static WebhookAddressGuard Guard(params string[] allowed) => new(Options.Create(new WebhookOptions { AllowedHosts = [.. allowed] }));

    [Theory]
    [InlineData("http://127.0.0.1/hook")]
    [InlineData("http://127.8.9.10/hook")]
    [InlineData("http://10.0.0.1/hook")]
    [InlineData("http://172.16.5.4/hook")]
    [InlineData("http://172.31.255.255/hook")]
    [InlineData("http://192.168.1.1/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://100.64.0.1/hook")]
    [InlineData("http://0.0.0.0/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://[fd00::1]/hook")]
    [InlineData("http://[::ffff:10.0.0.1]/hook")]
    [InlineData("http://localhost/hook")]
    public async Task Refuses_loopback_private_link_local_and_metadata_addresses(string url)
    {
        Assert.NotNull(await Guard().CheckAsync(new Uri(url), CancellationToken.None));
    }

    [Theory]
    [InlineData("http://93.184.215.14/hook")]
    [InlineData("https://172.32.0.1/hook")]
    [InlineData("https://[2606:4700::1111]/hook")]
    public async Task Accepts_public_addresses(string url)
    {
        Assert.Null(await Guard().CheckAsync(new Uri(url), CancellationToken.None));
    }

    [Theory]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/latest/meta-data")]
    [InlineData("http://[64:ff9b:1::a9fe:a9fe]/hook")]
    [InlineData("http://[2002:a9fe:a9fe::1]/hook")]
    [InlineData("http://[::a9fe:a9fe]/hook")]
    [InlineData("http://[2001:0:a9fe:a9fe::1]/hook")]
    [InlineData("http://[2001:0:808:808:8000:f227:5601:5601]/hook")]
    [InlineData("http://198.18.0.1/hook")]
    [InlineData("http://192.0.0.170/hook")]
    [InlineData("http://192.0.2.1/hook")]
    [InlineData("http://198.51.100.1/hook")]
    [InlineData("http://203.0.113.1/hook")]
    [InlineData("http://240.0.0.1/hook")]
    [InlineData("http://255.255.255.255/hook")]
    [InlineData("http://[100::1]/hook")]
    [InlineData("http://[2001:db8::1]/hook")]
    [InlineData("http://[2001:10::1]/hook")]
    [InlineData("http://[2001:20::1]/hook")]
    [InlineData("http://[fec0::1]/hook")]
    [InlineData("http://[ff02::1]/hook")]
    public async Task Refuses_ipv6_forms_embedding_ipv4_and_reserved_ranges(string url)
    {
        var refused = await Guard().CheckAsync(new Uri(url), CancellationToken.None);

        Assert.NotNull(refused);
        Assert.DoesNotContain("does not resolve", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_webhook_to_nat64_metadata_address_naming_the_range()
    {
        var refused = await Guard().CheckAsync(new Uri("http://[64:ff9b::a9fe:a9fe]/latest/meta-data"), CancellationToken.None);

        Assert.NotNull(refused);
        Assert.Contains("NAT64 address embedding 169.254.169.254, link-local", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepts_nat64_address_embedding_a_public_ipv4()
    {
        Assert.Null(await Guard().CheckAsync(new Uri("https://[64:ff9b::808:808]/hook"), CancellationToken.None));
        Assert.True(Guard().IsAllowed("64:ff9b::808:808", IPAddress.Parse("64:ff9b::808:808")));
        Assert.False(Guard().IsAllowed("hooks.example", IPAddress.Parse("64:ff9b::a9fe:a9fe")));
    }

    [Fact]
    public async Task An_allowlisted_address_in_a_refused_range_is_accepted()
    {
        Assert.Null(await Guard("64:ff9b::a9fe:a9fe").CheckAsync(new Uri("http://[64:ff9b::a9fe:a9fe]/hook"), CancellationToken.None));
        Assert.True(Guard("64:ff9b::a9fe:a9fe").IsAllowed("hooks.example", IPAddress.Parse("64:ff9b::a9fe:a9fe")));
        Assert.True(Guard("hooks.example").IsAllowed("hooks.example", IPAddress.Parse("198.18.0.1")));
    }

    [Fact]
    public async Task An_allowlisted_host_or_address_is_accepted()
    {
        Assert.Null(await Guard("127.0.0.1").CheckAsync(new Uri("http://127.0.0.1:9000/hook"), CancellationToken.None));
        Assert.Null(await Guard("localhost").CheckAsync(new Uri("http://localhost:9000/hook"), CancellationToken.None));
    }
}
