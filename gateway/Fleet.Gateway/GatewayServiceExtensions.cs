using Fleet.Contracts;
using Fleet.Gateway.Auth;
using Fleet.Gateway.FrontDoor;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Outbox;
using Fleet.Gateway.Persistence;
using Fleet.Gateway.Reports;
using Fleet.Gateway.Webhooks;
using Fleet.Gateway.Workers;
using Fleet.ServiceDefaults;
using System.Text.Json.Serialization;
using MassTransit;
using Npgsql;
using Microsoft.AspNetCore.Hosting;

namespace Fleet.Gateway;

public static class GatewayServiceExtensions
{
    private const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Everything the gateway runs: persistence, the job pipeline, the bus, auth.</summary>
    public static WebApplicationBuilder AddFleetGateway(this WebApplicationBuilder builder)
    {
        builder.AddFleetDefaults();
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.AddFleetPersistence();
        // Enums (a worker's hardware) read as words in every JSON answer.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddOptions<AuthOptions>()
            .Bind(builder.Configuration.GetSection(AuthOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyVerifier>();
        builder.Services.AddHostedService<ApiKeyCache>();
        builder.Services.AddOptions<FrontDoorOptions>()
            .Bind(builder.Configuration.GetSection(FrontDoorOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<KeyRateLimiter>();
        builder.Services.AddSingleton<BodyBudget>();
        builder.Services.AddSingleton<QueueDepths>();
        builder.Services.AddSingleton<ConfirmedAdmission>();
        builder.Services.AddHostedService<QueueDepthMonitor>();
        builder.Services.AddWebhooks(builder.Configuration);

        builder.Services.AddSingleton<HandlerInputCatalog>();
        builder.Services.AddSingleton<SubmissionValidator>();
        builder.Services.AddSingleton<JobRouter>();
        builder.Services.AddSingleton<JobService>();
        builder.Services.AddSingleton<JobCompletionNotifier>();
        builder.Services.AddSingleton<JobStatusWaits>();
        builder.Services.AddSingleton<WorkerRegistry>();
        builder.Services.AddSingleton<WorkerDirectory>();
        builder.Services.AddSingleton<WorkerListing>();
        builder.Services.AddHostedSingleton<OutboxRelay>();
        foreach (var (key, dataSourceKey) in new[] { (JobAcceptors.Durable, (string?)null), (JobAcceptors.AnsweredAfterEnding, PersistenceExtensions.DeferredFlush) })
        {
            builder.Services.AddKeyedSingleton(key, (sp, _) => new JobAcceptor(
                sp.GetRequiredKeyedService<NpgsqlDataSource>(dataSourceKey), sp.GetRequiredService<OutboxRelay>()));
            // Not AddHostedService: it de-duplicates by type, and both instances must run.
            builder.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<JobAcceptor>(key));
        }

        builder.Services.AddOptions<LeaseOptions>()
            .Bind(builder.Configuration.GetSection(LeaseOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ReportOptions>()
            .Bind(builder.Configuration.GetSection(ReportOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ReportTokens>();
        builder.Services.AddSingleton<ReportGuard>();
        builder.Services.AddHostedSingleton<JobEventRecorder>();
        builder.Services.AddHostedService<ParkedJobReleaser>();
        builder.Services.AddHostedService<QueuedJobExpirer>();
        builder.Services.AddHostedService<LeaseReaper>();

        builder.Services.AddMassTransit(bus =>
        {
            bus.AddConsumer<WorkerEventsConsumer>();
            bus.AddConsumer<WorkerHeartbeatConsumer>();
            bus.UsingFleetRabbitMq((context, cfg) =>
            {
                cfg.ReceiveEndpoint(FleetNames.GatewayEventsQueue, e =>
                {
                    // Many reports in flight at once is what lets the recorder batch them.
                    e.PrefetchCount = 1024;
                    e.ConcurrentMessageLimit = 1024;
                    // The database may be briefly away: hold the report and try again, declared here.
                    e.UseMessageRetry(r => r.Exponential(30, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)));
                    e.ConfigureConsumer<WorkerEventsConsumer>(context);
                    e.ConfigureConsumer<WorkerHeartbeatConsumer>(context);
                });
            });
        });
        return builder;
    }

    /// <summary>A background service that other services also call: one instance for both roles.</summary>
    private static void AddHostedSingleton<T>(this IServiceCollection services)
        where T : class, IHostedService
    {
        services.AddSingleton<T>();
        services.AddHostedService(sp => sp.GetRequiredService<T>());
    }
}
