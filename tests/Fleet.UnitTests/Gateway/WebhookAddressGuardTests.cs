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

    [Fact]
    public async Task An_allowlisted_host_or_address_is_accepted()
    {
        Assert.Null(await Guard("127.0.0.1").CheckAsync(new Uri("http://127.0.0.1:9000/hook"), CancellationToken.None));
        Assert.Null(await Guard("localhost").CheckAsync(new Uri("http://localhost:9000/hook"), CancellationToken.None));
    }
}
