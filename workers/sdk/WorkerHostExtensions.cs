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
    /// endpoint's concurrency, a private broadcast queue for cancellations, and heartbeats. On
    /// SIGTERM it drains: no new jobs, the running ones end, then it exits.
    /// Register the device (<see cref="IWorkerDevice"/>, CPU by default) and the handlers too
    /// (<see cref="FleetFunctions.RunAsync(string[])"/> does both for a function project).
    /// </summary>
    public static IHostApplicationBuilder AddFleetWorker(this IHostApplicationBuilder builder)
    {
        builder.AddFleetDefaults();
        builder.Services.AddOptions<WorkerOptions>()
            .Bind(builder.Configuration.GetSection(WorkerOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton<IWorkerDevice, CpuWorkerDevice>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var configured = sp.GetRequiredService<IOptions<WorkerOptions>>().Value.Id;
            var hardware = sp.GetRequiredService<IWorkerDevice>().Hardware.ToString().ToLowerInvariant();
            return new WorkerIdentity(string.IsNullOrEmpty(configured)
                ? $"{hardware}-{Environment.MachineName}-{Environment.ProcessId}" : configured);
        });
        builder.Services.AddSingleton<JobHandlerRegistry>();
        builder.Services.AddSingleton<ServedEndpoints>();
        builder.Services.AddSingleton<SupersededEndpoints>();
        builder.Services.AddSingleton<RunningJobs>();
        builder.Services.AddSingleton<CancelledJobs>();
        builder.Services.AddSingleton<JobSlots>();
        builder.Services.AddSingleton<WorkerLifecycle>();
        builder.Services.AddSingleton<JobRunner>();
        // A drain waits for the longest job this worker may run, not the host's default 30 s.
        builder.Services.AddOptions<HostOptions>().Configure<ServedEndpoints>((host, served) =>
            host.ShutdownTimeout = TimeSpan.FromMilliseconds(served.Entries.Select(e => (
                double)e.Endpoint.ExecutionTimeoutMs).DefaultIfEmpty(0).Max())
                + TimeSpan.FromSeconds(30));

        // Before the bus, the heartbeats and the job queues: handlers are built and initialized first.
        builder.Services.AddHostedService<FunctionWarmup>();

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
            });
        });

        // Registered after the bus, so they stop before it (reverse order): the intake drains the
        // running jobs while the heartbeats go on renewing their leases, then the last heartbeat.
        builder.Services.AddHostedService<HeartbeatService>();
        builder.Services.AddHostedService<JobIntake>();
        return builder;
    }
}
