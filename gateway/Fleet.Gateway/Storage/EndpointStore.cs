using System.Text.Json;
using Fleet.Catalog;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Messages;
using Fleet.ServiceDefaults;
using Npgsql;

namespace Fleet.Gateway.Storage;

/// <summary>
/// The only code that writes <c>endpoints</c>, the catalog every process follows. Writes are serialized by a
/// transaction-scoped advisory lock (changes are rare; serializing them makes "read, compare, write" exact
/// with no retry loop), and each commits with a <c>pg_notify</c> on <see cref="CatalogRows.Channel"/> in the
/// same transaction, so watchers see a change exactly when it is committed. Every change adds one to
/// <c>version</c>; <c>worker_version</c> moves to it only when what the workers run changed
/// (<see cref="EndpointDefinitions.SameWorkers"/>), which is what starts a rollout.
/// </summary>
public sealed class EndpointStore(NpgsqlDataSource database, TimeProvider time)
{
    // Any constant: the key of the one lock every endpoint write takes.
    private const long WriteLock = 0x666c656574_01;

    private const string Columns = $"{CatalogRows.Columns}, manifest::text";

    /// <summary>Every endpoint, by id.</summary>
    public async Task<List<StoredEndpoint>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM endpoints ORDER BY id");
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<StoredEndpoint?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM endpoints WHERE id = $1").Value(id);
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>The input schema of the endpoint's function manifest at that worker version, as JSON text; null if none.</summary>
    public async Task<string?> InputSchemaAsync(string id, int workerVersion, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT (manifest -> 'inputSchema')::text FROM endpoints WHERE id = $1 AND worker_version = $2")
            .Value(id)
            .Value(workerVersion);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>
    /// Creates the endpoint, or changes it to <paramref name="definition"/>: <c>unchanged</c> when every
    /// setting (and the manifest) is the same. With <paramref name="onlyCreate"/> an existing endpoint is left
    /// alone (<see cref="EndpointWriteResult.Exists"/>); with <paramref name="expectedVersion"/> it is changed only
    /// if still at that version (<see cref="EndpointWriteResult.Conflict"/> otherwise: a concurrent change).
    /// </summary>
    public async Task<EndpointWrite> PutAsync(
        EndpointDefinition definition, string? manifest, bool onlyCreate, int? expectedVersion, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);
        StoredEndpoint? current;
        await using (var read = new NpgsqlCommand($"SELECT {Columns} FROM endpoints WHERE id = $1", connection, transaction).Value(
            definition.Id))
        {
            current = (await ReadAsync(read, cancellationToken)).SingleOrDefault();
        }

        if (current is null && expectedVersion is not null)
        {
            return new(EndpointWriteResult.NotFound, null);
        }

        if (current is not null && (onlyCreate || (expectedVersion is { } expected && current.Version != expected)))
        {
            return new(onlyCreate ? EndpointWriteResult.Exists : EndpointWriteResult.Conflict, current);
        }

        // The stored definition carries the worker version; compare the settings as they would be stored.
        var asStored = definition with { Version = current?.Definition.Version ?? 0 };
        if (current is not null && EndpointDefinitions.SameSettings(current.Definition, asStored) && SameJson(current.Manifest, manifest))
        {
            return new(EndpointWriteResult.Unchanged, current);
        }

        // As PostgreSQL keeps it (microseconds), so the answer shows what a later read shows.
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % 10));
        var version = (current?.Version ?? 0) + 1;
        // The manifest describes the function the workers run (its input schema among others): a new one is a new worker version.
        var workerVersion = current is not null && EndpointDefinitions.SameWorkers(current.Definition, definition)
            && SameJson(current.Manifest, manifest)
            ? current.Definition.Version
            : version;
        await using (var write = new NpgsqlCommand("""
            INSERT INTO endpoints (id, handler, hardware, workers_min, workers_max, idle_timeout_seconds, scaler_type, scaler_value,
                execution_timeout_ms, max_attempts, min_gpu_memory_mb, cpu_fallback, concurrency_per_worker, env, package, manifest,
                version, worker_version, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15, $16::jsonb, $17, $18, $19, $19)
            ON CONFLICT (id) DO UPDATE SET handler = $2, hardware = $3, workers_min = $4, workers_max = $5, idle_timeout_seconds = $6,
                scaler_type = $7, scaler_value = $8, execution_timeout_ms = $9, max_attempts = $10, min_gpu_memory_mb = $11,
                cpu_fallback = $12, concurrency_per_worker = $13, env = $14::jsonb, package = $15, manifest = $16::jsonb, version = $17,
                worker_version = $18, updated_at = $19
            """, connection, transaction))
        {
            write.Value(definition.Id)
                .Value(definition.Handler)
                .Value(definition.Hardware.ToString())
                .Value(definition.WorkersMin)
                .Value(definition.WorkersMax)
                .Value(definition.IdleTimeoutSeconds)
                .Value(definition.ScalerType)
                .Value(definition.ScalerValue)
                .Value(definition.ExecutionTimeoutMs)
                .Value(definition.MaxAttempts)
                .Value(definition.MinGpuMemoryMb)
                .Value(definition.CpuFallback)
                .Value(definition.ConcurrencyPerWorker)
                .Value(JsonSerializer.Serialize(definition.Env))
                .Value(definition.Package)
                .Value(manifest)
                .Value(version)
                .Value(workerVersion)
                .Value(now);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await NotifyAsync(connection, transaction, definition.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var stored = new StoredEndpoint(definition with { Version = workerVersion }, version, manifest, current?.CreatedAt ?? now, now);
        return new(current is null ? EndpointWriteResult.Created : EndpointWriteResult.Updated, stored);
    }

    /// <summary>
    /// Deletes the endpoint unless it has queued or running jobs and <paramref name="evenWithJobs"/> is false
    /// (<see cref="EndpointWriteResult.Conflict"/>, with their number). The caller cancels the jobs of a deleted endpoint.
    /// </summary>
    public async Task<(EndpointWriteResult Result, int LiveJobs)> DeleteAsync(string id, bool evenWithJobs,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);
        int live;
        await using (var count = new NpgsqlCommand($"SELECT count(*)::int FROM jobs WHERE endpoint_id = $1 AND status IN ({JobStore.Live})",
            connection, transaction).Value(id))
        {
            live = (int)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        if (live > 0 && !evenWithJobs)
        {
            return (EndpointWriteResult.Conflict, live);
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM endpoints WHERE id = $1", connection, transaction).Value(id))
        {
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return (EndpointWriteResult.NotFound, 0);
            }
        }

        await NotifyAsync(connection, transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (EndpointWriteResult.Deleted, live);
    }

    /// <summary>
    /// Records the autoscaler's report of workers failing to start, if it is about the endpoint's current worker version
    /// and newer than what is recorded (reports may arrive out of order, and one sent before a reset means nothing after it).
    /// </summary>
    /// <returns>Whether it was recorded.</returns>
    public async Task<bool> RecordStartFailuresAsync(WorkerStartsFailed report, CancellationToken cancellationToken)
    {
        var failed = report.ConsecutiveFailures > 0;
        return await ChangeAsync(report.EndpointId, """
            UPDATE endpoints SET start_failures = $3, start_failures_version = $2, start_error = $4, start_tripped = $5,
                start_failed_at = $6
            WHERE id = $1 AND worker_version = $2
                AND (start_failures_version <> $2 OR start_failed_at IS NULL OR start_failed_at < $6)
            """, c => c.Value(report.EndpointId)
                .Value(report.WorkerVersion)
                .Value(Math.Max(0, report.ConsecutiveFailures))
                .Value(failed ? report.LastError : null)
                .Value(failed && report.Tripped)
                .Value(report.SentAt), cancellationToken);
    }

    /// <summary>Forgets the endpoint's start failures: the autoscaler starts its workers again.</summary>
    /// <returns>False when there is no such endpoint.</returns>
    public Task<bool> ResetStartFailuresAsync(string id, CancellationToken cancellationToken) => ChangeAsync(id, """
        UPDATE endpoints SET start_failures = 0, start_error = NULL, start_tripped = false, start_failed_at = $2 WHERE id = $1
        """, c => c.Value(id).Value(time.GetUtcNow()), cancellationToken);

    /// <summary>One update of an endpoint's row under the write lock, notified with it.</summary>
    private async Task<bool> ChangeAsync(string id, string sql, Action<NpgsqlCommand> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);
        await using (var update = new NpgsqlCommand(sql, connection, transaction))
        {
            parameters(update);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        await NotifyAsync(connection, transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction).Value(WriteLock);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection, transaction)
            .Value(CatalogRows.Channel)
            .Value(id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<StoredEndpoint>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var endpoints = new List<StoredEndpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            endpoints.Add(new StoredEndpoint(
                CatalogRows.Read(reader),
                reader.GetInt32(CatalogRows.VersionColumn),
                reader.IsDBNull(CatalogRows.Count) ? null : reader.GetString(CatalogRows.Count),
                reader.GetFieldValue<DateTimeOffset>(CatalogRows.CreatedAtColumn),
                reader.GetFieldValue<DateTimeOffset>(CatalogRows.UpdatedAtColumn)));
        }

        return endpoints;
    }

    /// <summary>Two JSON texts with the same content (jsonb gives its own key order and spacing back).</summary>
    private static bool SameJson(string? stored, string? given)
    {
        if (stored is null || given is null)
        {
            return stored is null && given is null;
        }

        using var a = JsonDocument.Parse(stored);
        using var b = JsonDocument.Parse(given);
        return JsonElement.DeepEquals(a.RootElement, b.RootElement);
    }
}
