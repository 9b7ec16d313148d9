using Fleet.Gateway.Jobs;
using Npgsql;

namespace Fleet.Gateway.Persistence;

/// <summary>Reads a job row from raw SQL whose columns follow <see cref="Columns"/>.</summary>
public static class JobRows
{
    public const string Columns =
        "id, status, output, error, attempt, created_at, started_at, finished_at, worker_id, device, endpoint_id, input, queue, routing";

    public static JobRecord Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetGuid(0),
        Status = JobStatusNames.Parse(reader.GetString(1)),
        Output = reader.IsDBNull(2) ? null : reader.GetString(2),
        Error = reader.IsDBNull(3) ? null : reader.GetString(3),
        Attempt = reader.GetInt32(4),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(5),
        StartedAt = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        FinishedAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
        WorkerId = reader.IsDBNull(8) ? null : reader.GetString(8),
        Device = reader.IsDBNull(9) ? null : reader.GetString(9),
        EndpointId = reader.GetString(10),
        Input = reader.GetString(11),
        Queue = reader.IsDBNull(12) ? null : reader.GetString(12),
        Routing = reader.GetString(13),
    };
}
