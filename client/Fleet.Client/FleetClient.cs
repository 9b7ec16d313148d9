using System.Collections.Concurrent;
using System.Text.Json;
using Fleet.Client.Http;
using Fleet.Client.Mapping;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Client;

/// <summary>
/// The entry point: endpoint handles over one HttpClient. Register it with
/// <see cref="FleetClientServiceCollectionExtensions.AddFleetClient"/> and inject it, or make one with
/// <see cref="Create"/>.
/// </summary>
/// <example>
/// <code>
/// var embed = fleet.Endpoint&lt;EmbedInput, EmbedOutput&gt;("embed");
/// EmbedOutput one = await embed.RunSyncAsync(new EmbedInput("hello"));
/// var jobs = await Task.WhenAll(texts.Select(t => embed.RunAsync(new EmbedInput(t))));
/// await foreach (var output in embed.MapAsync(texts.Select(t => new EmbedInput(t)))) { ... }
/// </code>
/// </example>
public sealed class FleetClient
{
    private readonly FleetHttp _http;
    private readonly ConcurrentDictionary<string, RouteSupport> _routes = new(StringComparer.Ordinal);

    /// <summary>
    /// A client over <paramref name="httpClient"/>. Retries are the HttpClient's business:
    /// <see cref="FleetClientServiceCollectionExtensions.AddFleetClient"/> sets them up; a client
    /// made here over a plain HttpClient does not retry.
    /// </summary>
    public FleetClient(HttpClient httpClient, FleetClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = new FleetHttp(httpClient, options);
    }

    /// <summary>The settings this client runs with.</summary>
    public FleetClientOptions Options => _http.Options;

    /// <summary>A client with its own HttpClient pipeline (retries, timeouts), for programs without a host.</summary>
    public static FleetClient Create(Action<FleetClientOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddFleetClient(configure);
        return services.BuildServiceProvider().GetRequiredService<FleetClient>();
    }

    /// <summary>
    /// A handle on an endpoint whose handler takes <typeparamref name="TInput"/> and returns <typeparamref name="TOutput"/>.
    /// </summary>
    /// <typeparam name="TInput">The input record, written with <see cref="FleetClientOptions.JsonSerializerOptions"/>.</typeparam>
    /// <typeparam name="TOutput">The output record, read with the same options.</typeparam>
    public FleetEndpoint<TInput, TOutput> Endpoint<TInput, TOutput>(string endpointId)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpointId);
        return new FleetEndpoint<TInput, TOutput>(_http, endpointId, _routes.GetOrAdd(endpointId, _ => new RouteSupport()));
    }

    /// <summary>The management API (<c>/v1</c>): the fleet's endpoints as data. Needs an admin API key.</summary>
    public FleetManagement Management => new(_http);

    /// <summary>An untyped handle: inputs and outputs as raw JSON.</summary>
    public FleetEndpoint<JsonElement, JsonElement> Endpoint(string endpointId) => Endpoint<JsonElement, JsonElement>(endpointId);
}
