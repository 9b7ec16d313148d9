using Fleet.Contracts;
using Fleet.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Sdk;

public static class WorkerHostExtensions
{
    /// <summary>
    /// Makes this host a Fleet worker: one receive endpoint per served queue, each limited to its
    /// endpoint's concurrency, a private broadcast queue for cancellations, and heartbeats.
    /// Register the device (<see cref="IWorkerDevice"/>, CPU by default) and the handlers too.
    /// </summary>
    public static IHostApplicationBuilder AddFleetWorker(this IHostApplicationBuilder builder)
    {
        builder.AddFleetDefaults();
        builder.Services.AddOptions<WorkerOptions>().Bind(builder.Configuration.GetSection(WorkerOptions.Section));
        builder.Services.TryAddSingleton<IWorkerDevice, CpuWorkerDevice>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var configured = sp.GetRequiredService<IOptions<WorkerOptions>>().Value.Id;
            var hardware = sp.GetRequiredService<IWorkerDevice>().Hardware.ToString().ToLowerInvariant();
            return new WorkerIdentity(string.IsNullOrEmpty(configured) ? $"{hardware}-{Environment.MachineName}-{Environment.ProcessId}" : configured);
        });
        builder.Services.AddSingleton<JobHandlerRegistry>();
        builder.Services.AddSingleton<ServedEndpoints>();
        builder.Services.AddSingleton<RunningJobs>();
        builder.Services.AddSingleton<CancelledJobs>();
        builder.Services.AddHostedService<HeartbeatService>();

        builder.Services.AddMassTransit(bus =>
        {
            bus.AddConsumer<RunJobConsumer>();
            bus.AddConsumer<JobsCancelledConsumer>();
            bus.UsingFleetRabbitMq((context, cfg) =>
            {
                var worker = context.GetRequiredService<WorkerIdentity>();
                cfg.ReceiveEndpoint(FleetNames.WorkerBroadcastQueuePrefix + worker.Id, e =>
                {
                    e.AutoDelete = true;
                    e.Durable = false;
                    e.ConfigureConsumer<JobsCancelledConsumer>(context);
                });

                foreach (var (endpoint, queue) in context.GetRequiredService<ServedEndpoints>().Entries)
                {
                    cfg.ReceiveEndpoint(queue, e =>
                    {
                        // RunJob is sent to this queue by address; no exchange per message type.
                        e.ConfigureConsumeTopology = false;
                        e.PrefetchCount = endpoint.ConcurrencyPerWorker;
                        e.ConcurrentMessageLimit = endpoint.ConcurrencyPerWorker;
                        e.ConfigureConsumer<RunJobConsumer>(context);
                    });
                }
            });
        });
        return builder;
    }
}
