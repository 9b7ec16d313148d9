using Fleet.Gateway.Admission;
using Fleet.Gateway.Background;
using Fleet.Gateway.Outbox;
using Fleet.Gateway.Routing;
using Fleet.Gateway.Workers;
using Fleet.ServiceDefaults;

namespace Fleet.Gateway.Jobs;

public static class JobExtensions
{
    /// <summary>
    /// The path of a job through the gateway: admission and validation, routing (from the live workers),
    /// acceptance, the outbox relay, transitions, waits, and the background services that release,
    /// expire and reap jobs.
    /// </summary>
    public static IHostApplicationBuilder AddJobPipeline(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<LeaseOptions>(builder.Configuration, LeaseOptions.Section);
        builder.Services.AddSingleton<HandlerInputCatalog>();
        builder.Services.AddSingleton<SubmissionValidator>();
        builder.Services.AddSingleton<FunctionInputSchemas>();
        builder.Services.AddSingleton<SubmissionAdmission>();
        builder.Services.AddSingleton<LiveWorkers>();
        builder.Services.AddHostedService<LiveWorkersRefresher>();
        builder.Services.AddSingleton<WorkerListing>();
        builder.Services.AddSingleton<JobRouter>();
        builder.Services.AddSingleton<JobSubmitter>();
        builder.Services.AddSingleton<JobCompletionNotifier>();
        builder.Services.AddSingleton<JobStatusWaits>();
        builder.Services.AddSingleton<RunSyncWaits>();
        builder.Services.AddSingleton<JobTransitions>();
        builder.Services.AddHostedSingleton<OutboxRelay>();
        builder.Services.AddHostedService<ParkedJobReleaser>();
        builder.Services.AddHostedService<QueuedJobExpirer>();
        builder.Services.AddHostedService<LeaseReaper>();
        return builder;
    }
}
