using Fleet.Contracts;
using Fleet.ServiceDefaults;
using MassTransit;

namespace Fleet.Gateway.Reports;

public static class ReportExtensions
{
    /// <summary>
    /// The bus and what arrives on it: workers' reports and heartbeats, checked (<see cref="ReportGuard"/>)
    /// and recorded in group commits (<see cref="ReportRecorder"/>). The relay sends on the same bus.
    /// </summary>
    public static IHostApplicationBuilder AddWorkerReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ReportOptions>(builder.Configuration, ReportOptions.Section);
        builder.Services.AddSingleton<ReportTokens>();
        builder.Services.AddSingleton<ReportGuard>();
        builder.Services.AddHostedSingleton<ReportRecorder>();
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddConsumer<ReportConsumer>();
            bus.AddConsumer<HeartbeatConsumer>();
            bus.AddConsumer<StartFailureConsumer>();
            bus.UsingFleetRabbitMq((context, cfg) => cfg.ReceiveEndpoint(FleetNames.GatewayEventsQueue, e =>
            {
                // Many reports in flight at once is what lets the recorder batch them.
                e.PrefetchCount = 1024;
                e.ConcurrentMessageLimit = 1024;
                // The database may be briefly away: hold the report and try again, declared here.
                e.UseMessageRetry(r => r.Exponential(30, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30),
                    TimeSpan.FromMilliseconds(500)));
                e.ConfigureConsumer<ReportConsumer>(context);
                e.ConfigureConsumer<HeartbeatConsumer>(context);
                e.ConfigureConsumer<StartFailureConsumer>(context);
            }));
        });
        builder.Services.AddReceiveEndpointWatchdog();
        return builder;
    }
}
