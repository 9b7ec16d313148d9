using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Outbox;
using Fleet.Gateway.Persistence;
using Fleet.Gateway.Storage;
using Fleet.IntegrationTests.Infrastructure;
using Fleet.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.StorageTests.Infrastructure;

/// <summary>
/// A database of its own on the test profile's PostgreSQL (started by infra/servers.sh), owned by the
/// gateway's role and brought up to date by the gateway's own migrations; the storage classes over it.
/// </summary>
public sealed class StorageFixture : IAsyncLifetime
{
    private readonly string _database = "fleet_st_" + Guid.NewGuid().ToString("N")[..10];

    public NpgsqlDataSource Database { get; private set; } = null!;

    public JobStore Jobs { get; private set; } = null!;

    public JobQueries Queries { get; private set; } = null!;

    /// <summary>The catalog status documents read why a queued job waits from: the built-in echo only.</summary>
    public EndpointCatalog Catalog { get; } = new(Options.Create(new FleetOptions()));

    public OutboxStore Outbox { get; private set; } = null!;

    public WebhookDeliveryStore Deliveries { get; private set; } = null!;

    public WorkerStore Workers { get; private set; } = null!;

    public StreamChunkStore Chunks { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var servers = TestServers.Start();
        await using (var admin = new NpgsqlConnection(servers["FLEET_PG_ADMIN_URL"]))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {_database} OWNER {servers["FLEET_DB_USER"]}", admin).ExecuteNonQueryAsync();
        }

        Database = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(servers["ConnectionStrings__Fleet"]) { Database = _database }.ConnectionString);
        await using (var db = new FleetDbContext(new DbContextOptionsBuilder<FleetDbContext>().UseNpgsql(Database).Options))
        {
            await db.Database.MigrateAsync();
        }

        var time = TimeProvider.System;
        Jobs = new JobStore(Database);
        Queries = new JobQueries(Database, Catalog, time);
        Outbox = new OutboxStore(Database);
        Deliveries = new WebhookDeliveryStore(Database);
        Workers = new WorkerStore(Database);
        Chunks = new StreamChunkStore(Database);
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();

    /// <summary>A new endpoint id, so tests never see each other's jobs.</summary>
    public static EndpointDefinition NewEndpoint(int maxAttempts = 1) =>
        new() { Id = "st-" + Guid.NewGuid().ToString("N")[..8], Handler = "echo", MaxAttempts = maxAttempts };

    /// <summary>Stores new jobs through the acceptor's statement; a job with a queue gets its RunJob row.</summary>
    public async Task<List<NewJob>> InsertAsync(EndpointDefinition endpoint, int count = 1, string? webhook = null, string? idempotencyKey = null,
        bool queued = true, string input = """{"echo": 1}""")
    {
        var now = DateTimeOffset.UtcNow;
        var queue = queued ? FleetNames.JobQueue(endpoint.Id, Hardware.Cpu) : null;
        var jobs = Enumerable.Range(0, count).Select(_ =>
        {
            var id = Guid.CreateVersion7();
            var bytes = System.Text.Encoding.UTF8.GetBytes(input);
            var message = queue is null ? null : OutboxEnvelope.ForRunJob(RunJobs.Build(id, endpoint, endpoint.Version, bytes, 1, 60_000, now), queue, now);
            return new NewJob(id, endpoint.Id, endpoint.Version, bytes, webhook, 60_000, null, false, queue, "test", null, null, idempotencyKey, now, message);
        }).ToList();
        await using var batch = Database.CreateBatch().With(JobStore.InsertNew(jobs));
        await batch.ExecuteNonQueryAsync();
        return jobs;
    }

    /// <summary>Runs one statement of a storage class (as the group commits do) and returns the rows it reports.</summary>
    public async Task<int> RunAsync(NpgsqlBatchCommand command)
    {
        await using var batch = Database.CreateBatch().With(command);
        return await batch.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
