using System.Text.Json.Serialization;

namespace Fleet.Gateway.Hosting;

public static class GatewayDefaults
{
    private const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>What the whole gateway shares: its listen address (loopback by default), JSON answers, the clock.</summary>
    public static WebApplicationBuilder AddGatewayDefaults(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Enums (a worker's hardware) read as words in every JSON answer.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
