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
        "created_at, updated_at, start_failures, start_failures_version, start_error, start_tripped, start_failed_at";

    /// <summary>How many columns <see cref="Columns"/> names.</summary>
    public const int Count = 24;

    /// <summary>Where <see cref="Columns"/> has the endpoint's version (every change), as opposed to its worker version.</summary>
    public const int VersionColumn = 16;

    public const int CreatedAtColumn = 17;

    public const int UpdatedAtColumn = 18;

    /// <summary>The row as a definition whose <see cref="EndpointDefinition.Version"/> is the worker version.</summary>
    public static EndpointDefinition Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Handler = reader.GetString(1),
        Hardware = Enum.Parse<Hardware>(reader.GetString(2)),
        WorkersMin = reader.GetInt32(3),
        WorkersMax = reader.GetInt32(4),
        IdleTimeoutSeconds = reader.GetInt32(5),
        ScalerType = reader.GetString(6),
        ScalerValue = reader.GetInt32(7),
        ExecutionTimeoutMs = reader.GetInt32(8),
        MaxAttempts = reader.GetInt32(9),
        MinGpuMemoryMb = reader.GetInt32(10),
        CpuFallback = reader.GetBoolean(11),
        ConcurrencyPerWorker = reader.GetInt32(12),
        Env = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(13)) ?? [],
        Package = reader.IsDBNull(14) ? null : reader.GetString(14),
        Version = reader.GetInt32(15),
        StartFailures = ReadStartFailures(reader),
    };

    /// <summary>The start failures recorded at the row's worker version; null when there are none (older ones mean nothing).</summary>
    private static StartFailures? ReadStartFailures(NpgsqlDataReader reader) =>
        reader.GetInt32(19) > 0 && reader.GetInt32(20) == reader.GetInt32(15)
            ? new StartFailures(reader.GetInt32(19), reader.IsDBNull(21) ? "" : reader.GetString(21), reader.GetBoolean(22),
                reader.GetFieldValue<DateTimeOffset>(23))
            : null;

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
