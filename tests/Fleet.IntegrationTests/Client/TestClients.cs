using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.Client;
using Fleet.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.IntegrationTests.Client;

/// <summary>Clients made as an application makes them (AddFleetClient), with a log of their HTTP attempts.</summary>
public static class TestClients
{
    public static (FleetClient Client, RequestLog Log) Create(
        HttpClient gateway, Action<FleetClientOptions>? configure = null, Func<DelegatingHandler>? server = null)
    {
        var log = new RequestLog();
        var services = new ServiceCollection();
        var http = services.AddFleetClient(o =>
        {
            o.BaseAddress = gateway.BaseAddress;
            o.ApiKey = FleetFixture.ApiKey;
            o.JsonSerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web)
                { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
            configure?.Invoke(o);
        }).AddHttpMessageHandler(log.Handler);
        if (server is not null)
        {
            http.AddHttpMessageHandler(server);
        }

        return (services.BuildServiceProvider().GetRequiredService<FleetClient>(), log);
    }

    /// <summary>A marker no other test's input contains, to find this test's jobs in the table.</summary>
    public static string Marker() => "m-" + Guid.NewGuid().ToString("N")[..12];
}
