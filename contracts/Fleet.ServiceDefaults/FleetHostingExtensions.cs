using Fleet.Contracts;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.ServiceDefaults;

public static class FleetHostingExtensions
{
    /// <summary>
    /// Configuration every Fleet process shares: the endpoints file named by
    /// <c>FLEET_ENDPOINTS_FILE</c>, the endpoint catalog, the broker options, log format.
    /// </summary>
    public static IHostApplicationBuilder AddFleetDefaults(this IHostApplicationBuilder builder)
    {
        var endpointsFile = Environment.GetEnvironmentVariable(FleetNames.EndpointsFileVariable);
        if (!string.IsNullOrEmpty(endpointsFile))
        {
            // Added before environment variables would override nothing; re-add those after it so
            // a single endpoint setting can still be overridden from the environment.
            builder.Configuration.AddJsonFile(Path.GetFullPath(endpointsFile), optional: false, reloadOnChange: false);
            builder.Configuration.AddEnvironmentVariables();
        }

        builder.Services.AddOptions<FleetOptions>()
            .Bind(builder.Configuration.GetSection(FleetNames.EndpointsSection))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FleetOptions>, FleetOptionsValidator>();
        builder.Services.AddSingleton<EndpointCatalog>();
        builder.Services.AddHostedService<MemoryRelief>();

        builder.Services.AddOptions<RabbitMqOptions>()
            .Bind(builder.Configuration.GetSection(RabbitMqOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Per-request and per-command logs cost more CPU than the job path itself; keep them off
        // by default (configuration can still turn them on).
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        return builder;
    }

    /// <summary>
    /// Restarts receive endpoints that lost their consumer (<see cref="ReceiveEndpointWatchdog"/>). Call after
    /// <c>AddMassTransit</c>, so that it stops before the bus does.
    /// </summary>
    public static IServiceCollection AddReceiveEndpointWatchdog(this IServiceCollection services)
    {
        services.AddHostedSingleton<ReceiveEndpointWatchdog>();
        services.AddReceiveEndpointObserver(sp => sp.GetRequiredService<ReceiveEndpointWatchdog>());
        return services;
    }

    /// <summary>Connects a MassTransit bus to the configured RabbitMQ with publisher confirms.</summary>
    public static void UsingFleetRabbitMq(
        this IBusRegistrationConfigurator bus,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator> configureEndpoints) =>
        bus.UsingFleetRabbitMq(configureEndpoints, credentials: null);

    /// <summary>
    /// As <see cref="UsingFleetRabbitMq(IBusRegistrationConfigurator, Action{IBusRegistrationContext, IRabbitMqBusFactoryConfigurator})"/>,
    /// connecting as the user <paramref name="credentials"/> names instead of <c>RabbitMq:Username</c> (the autoscaler
    /// publishes as the workers' user).
    /// </summary>
    public static void UsingFleetRabbitMq(
        this IBusRegistrationConfigurator bus,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator> configureEndpoints,
        Func<IServiceProvider, (string Username, string Password)>? credentials)
    {
        // MassTransit 8.5 reports usage to its vendor by default; a self-hosted fleet calls no one.
        bus.DisableUsageTelemetry();
        bus.UsingRabbitMq((context, cfg) =>
        {
            var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
            var (username, password) = credentials?.Invoke(context) ?? (options.Username, options.Password);
            cfg.Host(options.Host, (ushort)options.Port, options.VirtualHost, h =>
            {
                h.Username(username);
                h.Password(password);
                // A send completes only when the broker has taken responsibility for the message.
                h.PublisherConfirmation = true;
                h.Heartbeat(TimeSpan.FromSeconds(10));
                h.RequestedConnectionTimeout(TimeSpan.FromSeconds(5));
            });
            // Compact messages: MassTransit indents by default, which made a job's output (kept as the
            // worker wrote it) come back indented, and every large message bigger on the wire.
            cfg.ConfigureJsonSerializerOptions(json =>
            {
                json.WriteIndented = false;
                return json;
            });
            configureEndpoints(context, cfg);
        });
    }
}
