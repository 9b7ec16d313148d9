using Fleet.Gateway.Jobs;
using Npgsql;

namespace Fleet.Gateway.Storage;

/// <summary>Reads a job's status columns from raw SQL whose columns follow <see cref="Columns"/>.</summary>
public static class JobRows
{
    /// <summary>How many columns <see cref="Columns"/> names.</summary>
    public const int Count = 16;

    public const string Columns =
        "id, status, output, error, attempt, created_at, started_at, finished_at, worker_id, device, endpoint_id, queue, routing, " +
        "progress_message, progress_percent, ran_version";

    /// <summary><see cref="Columns"/> of the table or CTE named <paramref name="alias"/>.</summary>
    public static string ColumnsOf(string alias) => string.Join(", ", Columns.Split(", ").Select(c => alias + "." + c));

    /// <summary>Reads the job columns starting at column <paramref name="offset"/> (0 when they come first).</summary>
    public static JobStatusRow Read(NpgsqlDataReader reader, int offset = 0) => new()
    {
        Id = reader.GetGuid(offset),
        Status = JobStatusWire.Parse(reader.GetString(offset + 1)),
        // json as its UTF-8 bytes: no UTF-16 string, no parse.
        Output = reader.IsDBNull(offset + 2) ? null : reader.GetFieldValue<byte[]>(offset + 2),
        Error = reader.IsDBNull(offset + 3) ? null : reader.GetString(offset + 3),
        Attempt = reader.GetInt32(offset + 4),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(offset + 5),
        StartedAt = reader.IsDBNull(offset + 6) ? null : reader.GetFieldValue<DateTimeOffset>(offset + 6),
        FinishedAt = reader.IsDBNull(offset + 7) ? null : reader.GetFieldValue<DateTimeOffset>(offset + 7),
        WorkerId = reader.IsDBNull(offset + 8) ? null : reader.GetString(offset + 8),
        Device = reader.IsDBNull(offset + 9) ? null : reader.GetString(offset + 9),
        EndpointId = reader.GetString(offset + 10),
        Queue = reader.IsDBNull(offset + 11) ? null : reader.GetString(offset + 11),
        Routing = reader.GetString(offset + 12),
        ProgressMessage = reader.IsDBNull(offset + 13) ? null : reader.GetString(offset + 13),
        ProgressPercent = reader.IsDBNull(offset + 14) ? null : reader.GetDouble(offset + 14),
        RanVersion = reader.IsDBNull(offset + 15) ? null : reader.GetInt32(offset + 15),
    };
}
