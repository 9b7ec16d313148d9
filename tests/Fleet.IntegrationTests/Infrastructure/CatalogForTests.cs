using System.Text.Json;
using System.Text.Json.Serialization;
using Fleet.Contracts.Endpoints;
using Npgsql;

namespace Fleet.IntegrationTests.Infrastructure;

/// <summary>
/// Writes the endpoint catalog as the gateway does: a row of table <c>endpoints</c> whose <c>version</c> grows with
/// every change and whose <c>worker_version</c> follows it when what the workers run changes (handler, hardware, env,
/// concurrency, package), and <c>pg_notify('fleet_endpoints', id)</c> in the same transaction. The one place the tests
/// write the catalog, so that they can switch to the management API (<c>/v1/endpoints</c>) here alone.
/// </summary>
public sealed class CatalogForTests(string connectionString)
{
    private const string Columns =
        "id, handler, hardware, workers_min, workers_max, idle_timeout_seconds, scaler_type, scaler_value, execution_timeout_ms, " +
        "max_attempts, min_gpu_memory_mb, cpu_fallback, concurrency_per_worker, env, package";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The endpoints of an endpoints file (<c>{"Fleet": {"Endpoints": [...]}}</c>).</summary>
    public static IReadOnlyList<EndpointDefinition> ReadFile(string path) =>
        JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("Fleet").GetProperty("Endpoints")
            .Deserialize<List<EndpointDefinition>>(s_json)!;

    /// <summary>Creates the endpoints that the catalog lacks (as a gateway seeds it from its endpoints file); changes no other.</summary>
    public async Task SeedAsync(IEnumerable<EndpointDefinition> endpoints)
    {
        foreach (var endpoint in endpoints)
        {
            await WriteAsync(endpoint, "ON CONFLICT (id) DO NOTHING RETURNING version, worker_version");
        }
    }

    /// <summary>Creates or updates the endpoint; returns its version and worker version after the change.</summary>
    public async Task<(int Version, int WorkerVersion)> PutAsync(EndpointDefinition endpoint) =>
        (await WriteAsync(endpoint, """
            ON CONFLICT (id) DO UPDATE SET
                handler = excluded.handler, hardware = excluded.hardware, workers_min = excluded.workers_min,
                workers_max = excluded.workers_max, idle_timeout_seconds = excluded.idle_timeout_seconds,
                scaler_type = excluded.scaler_type, scaler_value = excluded.scaler_value,
                execution_timeout_ms = excluded.execution_timeout_ms, max_attempts = excluded.max_attempts,
                min_gpu_memory_mb = excluded.min_gpu_memory_mb, cpu_fallback = excluded.cpu_fallback,
                concurrency_per_worker = excluded.concurrency_per_worker, env = excluded.env, package = excluded.package,
                version = endpoints.version + 1,
                worker_version = CASE
                    WHEN (endpoints.handler, endpoints.hardware, endpoints.concurrency_per_worker, endpoints.env, endpoints.package)
                        IS DISTINCT FROM
                        (excluded.handler, excluded.hardware, excluded.concurrency_per_worker, excluded.env, excluded.package)
                    THEN endpoints.version + 1 ELSE endpoints.worker_version END,
                updated_at = now()
            RETURNING version, worker_version
            """))!.Value;

    public async Task DeleteAsync(string id)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var delete = new NpgsqlCommand("DELETE FROM endpoints WHERE id = $1", connection, transaction))
        {
            delete.Parameters.Add(new() { Value = id });
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        await NotifyAsync(connection, transaction, id);
        await transaction.CommitAsync();
    }

    private async Task<(int, int)?> WriteAsync(EndpointDefinition e, string onConflict)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        (int, int)? versions = null;
        await using (var write = new NpgsqlCommand($"""
            INSERT INTO endpoints ({Columns}, version, worker_version, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15, 1, 1, now(), now())
            {onConflict}
            """, connection, transaction))
        {
            object?[] values =
            [
                e.Id, e.Handler, e.Hardware.ToString(), e.WorkersMin, e.WorkersMax, e.IdleTimeoutSeconds, e.ScalerType, e.ScalerValue,
                e.ExecutionTimeoutMs, e.MaxAttempts, e.MinGpuMemoryMb, e.CpuFallback, e.ConcurrencyPerWorker, JsonSerializer.Serialize(e.Env),
                e.Package,
            ];
            foreach (var value in values)
            {
                write.Parameters.Add(new() { Value = value ?? DBNull.Value });
            }

            await using var reader = await write.ExecuteReaderAsync();
            if (await reader.ReadAsync())
            {
                versions = (reader.GetInt32(0), reader.GetInt32(1));
            }
        }

        await NotifyAsync(connection, transaction, e.Id);
        await transaction.CommitAsync();
        return versions;
    }

    private static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id)
    {
        await using var notify = new NpgsqlCommand("SELECT pg_notify('fleet_endpoints', $1)", connection, transaction);
        notify.Parameters.Add(new() { Value = id });
        await notify.ExecuteNonQueryAsync();
    }
}
