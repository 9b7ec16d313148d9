using System.Text.Json;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Npgsql;

namespace Fleet.Catalog;

/// <summary>The <c>endpoints</c> table's columns and how a row reads as an <see cref="EndpointDefinition"/>.</summary>
public static class CatalogRows
{
    /// <summary>The channel the gateway notifies on, in the transaction that changes an endpoint.</summary>
    public const string Channel = "fleet_endpoints";

    public const string Columns =
        "id, handler, hardware, workers_min, workers_max, idle_timeout_seconds, scaler_type, scaler_value, execution_timeout_ms, " +
        "max_attempts, min_gpu_memory_mb, cpu_fallback, concurrency_per_worker, env::text, package, worker_version, version, " +
        "created_at, updated_at";

    /// <summary>How many columns <see cref="Columns"/> names.</summary>
    public const int Count = 19;

    public static EndpointDefinition Read(NpgsqlDataReader reader, int offset = 0) => new()
    {
        Id = reader.GetString(offset),
        Handler = reader.GetString(offset + 1),
        Hardware = Enum.Parse<Hardware>(reader.GetString(offset + 2)),
        WorkersMin = reader.GetInt32(offset + 3),
        WorkersMax = reader.GetInt32(offset + 4),
        IdleTimeoutSeconds = reader.GetInt32(offset + 5),
        ScalerType = reader.GetString(offset + 6),
        ScalerValue = reader.GetInt32(offset + 7),
        ExecutionTimeoutMs = reader.GetInt32(offset + 8),
        MaxAttempts = reader.GetInt32(offset + 9),
        MinGpuMemoryMb = reader.GetInt32(offset + 10),
        CpuFallback = reader.GetBoolean(offset + 11),
        ConcurrencyPerWorker = reader.GetInt32(offset + 12),
        Env = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(offset + 13)) ?? [],
        Package = reader.IsDBNull(offset + 14) ? null : reader.GetString(offset + 14),
        Version = reader.GetInt32(offset + 15),
    };

    /// <summary>Every endpoint the catalog holds.</summary>
    public static async Task<List<EndpointDefinition>> ReadAllAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM endpoints ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var endpoints = new List<EndpointDefinition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            endpoints.Add(Read(reader));
        }

        return endpoints;
    }
}
