using System.Text.Json.Serialization;
using Fleet.Autoscaler.Actuators;
using Fleet.Autoscaler.Api;
using Fleet.Autoscaler.Packages;
using Fleet.Autoscaler.Reports;
using Fleet.Autoscaler.Signals;
using Fleet.Autoscaler.Telemetry;
using Fleet.Catalog;
using Fleet.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.Autoscaler;

public static class AutoscalerServiceExtensions
{
    /// <summary>The autoscaler: the endpoint catalog and its watch, signals, policy loop, the local-process actuator, telemetry.</summary>
    public static WebApplicationBuilder AddFleetAutoscaler(this WebApplicationBuilder builder)
    {
        builder.AddFleetDefaults();
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(OperatorPort.DefaultUrl);
        }

        // Before anything listens: an open operator port would show pids and log paths to anyone.
        if (OperatorPort.Refusal(builder.Configuration) is { } refusal)
        {
            throw new InvalidOperationException(refusal);
        }

        builder.Services.AddOptions<AutoscalerOptions>()
            .Bind(builder.Configuration.GetSection(AutoscalerOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Draining workers on the way out needs longer than the host's default 30 s.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<AutoscalerOptions>>((host, autoscaler) =>
            host.ShutdownTimeout = autoscaler.Value.ShutdownTimeout + TimeSpan.FromSeconds(10));
        var connectionString = builder.Configuration.GetConnectionString("Fleet")
            ?? throw new InvalidOperationException("ConnectionStrings:Fleet is required (the endpoints, jobs and workers tables).");
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        // The loop loads the catalog itself before its first decision; the watch keeps it current from then on.
        builder.Services.AddSingleton<CatalogWatch>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CatalogWatch>());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<BrokerQueueDepths>();
        builder.Services.AddSingleton<ScalingSignalReader>();
        builder.Services.AddSingleton<AutoscalerTelemetry>();
        builder.Services.AddSingleton<PackageCache>();
        builder.Services.AddSingleton<StartFailureReports>();
        builder.Services.AddSingleton<IWorkerActuator, LocalProcessActuator>();
        // Only to publish the start-failure reports, as the workers' broker user: the autoscaler's own may only read
        // the management API.
        builder.Services.AddMassTransit(bus => bus.UsingFleetRabbitMq((_, _) => { }, sp =>
        {
            var autoscaler = sp.GetRequiredService<IOptions<AutoscalerOptions>>().Value;
            return (autoscaler.WorkerRabbitMqUsername, autoscaler.WorkerRabbitMqPassword);
        }));
        builder.Services.AddHostedService<AutoscalerLoop>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }

    /// <summary>
    /// What the autoscaler decided and runs, for operators, tests and Prometheus; behind the operator
    /// key when one is set. <c>/healthz</c> stays open for liveness probes.
    /// </summary>
    public static WebApplication MapAutoscalerApi(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Ok());
        var operators = app.MapGroup("").AddEndpointFilter<OperatorKeyFilter>();
        operators.MapGet("/decisions", (AutoscalerTelemetry telemetry) => Results.Ok(telemetry.Latest()));
        operators.MapGet("/workers", (IWorkerActuator actuator) => Results.Ok(actuator.Owned()));
        operators.MapGet("/metrics", (AutoscalerTelemetry telemetry) =>
            Results.Text(telemetry.ToPrometheusText(), "text/plain; version=0.0.4"));
        return app;
    }
}
