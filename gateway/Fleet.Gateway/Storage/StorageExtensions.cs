using Fleet.Gateway.Outbox;
using Fleet.Gateway.Persistence;
using Npgsql;

namespace Fleet.Gateway.Storage;

public static class StorageExtensions
{
    /// <summary>The storage classes (one writer per table) and the two group commits of the hot paths.</summary>
    public static IHostApplicationBuilder AddGatewayStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<JobStore>();
        builder.Services.AddSingleton<JobQueries>();
        builder.Services.AddSingleton<OutboxStore>();
        builder.Services.AddSingleton<WebhookDeliveryStore>();
        builder.Services.AddSingleton<WorkerStore>();
        builder.Services.AddSingleton<StreamChunkStore>();
        builder.Services.AddSingleton<EndpointStore>();
        // run's acceptor waits for the WAL flush; runsync's does not (its answer waits for the ending's commit).
        foreach (var (key, dataSourceKey) in new[] { (JobAcceptors.Durable, (string?)null), (JobAcceptors.AnsweredAfterEnding,
            PersistenceExtensions.DeferredFlush) })
        {
            builder.Services.AddKeyedSingleton(key, (sp, _) => new JobAcceptor(
                sp.GetRequiredKeyedService<NpgsqlDataSource>(dataSourceKey), sp.GetRequiredService<OutboxRelay>()));
            // Not AddHostedService: it de-duplicates by type, and both instances must run.
            builder.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<JobAcceptor>(key));
        }

        return builder;
    }
}
