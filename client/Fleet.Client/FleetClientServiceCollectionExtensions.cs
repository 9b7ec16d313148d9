using Fleet.Client.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Fleet.Client;

/// <summary>Registers <see cref="FleetClient"/> with the host's IHttpClientFactory.</summary>
public static class FleetClientServiceCollectionExtensions
{
    /// <summary>The name of the HttpClient the client uses, for further configuration.</summary>
    public const string HttpClientName = "Fleet.Client";

    /// <summary>
    /// Registers <see cref="FleetClient"/> (transient, over a named HttpClient from
    /// IHttpClientFactory) with its resilience pipeline: 429 and 503 retried after their
    /// <c>Retry-After</c> with jitter, transient failures with exponential backoff, a timeout per attempt.
    /// Returns the HttpClient's builder, to add handlers or change the primary handler.
    /// </summary>
    public static IHttpClientBuilder AddFleetClient(this IServiceCollection services, Action<FleetClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<FleetClientOptions>()
            .Configure(configure)
            .Validate(o =>
            {
                o.Validate();
                return true;
            });
        services.TryAddTransient(sp => new FleetClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<IOptions<FleetClientOptions>>().Value));
        var builder = services.AddHttpClient(HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler("fleet", (pipeline, context) =>
            FleetResilience.Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<FleetClientOptions>>().Value));
        return builder;
    }
}
