using Fleet.Autoscaler.Api;
using Microsoft.Extensions.Configuration;

namespace Fleet.UnitTests.Autoscaler;

public sealed class OperatorPortTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    [Theory]
    [InlineData("http://127.0.0.1:8081")]
    [InlineData("http://127.8.9.10:8081")]
    [InlineData("http://localhost:8081")]
    [InlineData("http://[::1]:8081")]
    [InlineData("http://unix:/run/fleet/autoscaler.sock")]
    public void A_loopback_address_needs_no_operator_key(string url)
    {
        Assert.Null(OperatorPort.Refusal(Configuration(("urls", url))));
    }

    [Theory]
    [InlineData("http://0.0.0.0:8081")]
    [InlineData("http://[::]:8081")]
    [InlineData("http://*:8081")]
    [InlineData("http://+:8081")]
    [InlineData("http://autoscaler.internal:8081")]
    [InlineData("http://10.0.0.5:8081")]
    [InlineData("http://127.0.0.1:8081;http://0.0.0.0:9091")]
    public void A_non_loopback_address_without_an_operator_key_is_refused_naming_the_setting(string urls)
    {
        var refusal = OperatorPort.Refusal(Configuration(("urls", urls)));

        Assert.NotNull(refusal);
        Assert.Contains("Autoscaler:OperatorApiKey", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_loopback_address_with_an_operator_key_is_allowed()
    {
        Assert.Null(OperatorPort.Refusal(Configuration(("urls", "http://0.0.0.0:8081"), ("Autoscaler:OperatorApiKey", "k"))));
    }

    [Fact]
    public void Without_urls_the_default_is_loopback()
    {
        Assert.Equal("http://127.0.0.1:8081", OperatorPort.DefaultUrl);
        Assert.Null(OperatorPort.Refusal(Configuration()));
    }

    [Fact]
    public void Kestrel_endpoints_are_checked_as_they_override_urls()
    {
        const string endpoint = "Kestrel:Endpoints:Http:Url";
        Assert.NotNull(OperatorPort.Refusal(Configuration(("urls", "http://127.0.0.1:8081"), (endpoint, "http://[::]:8081"))));
        Assert.Null(OperatorPort.Refusal(Configuration(("urls", "http://0.0.0.0:8081"), (endpoint, "http://localhost:8081"))));
    }
}
