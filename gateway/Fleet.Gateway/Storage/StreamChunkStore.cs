using Fleet.Contracts;
using System.Runtime.InteropServices;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Jobs;
using Npgsql;

namespace Fleet.Gateway.Storage;

/// <summary>
/// The only code that writes <c>job_stream_chunks</c>: chunks a job's attempt streamed, stored once
/// each however often their message is delivered (<see cref="Stored"/>, in the report recorder's batch),
/// and handed out by <c>/stream</c> in order, each once (<see cref="TakeAsync"/>).
/// </summary>
public sealed class StreamChunkStore(NpgsqlDataSource database)
{
    public static NpgsqlBatchCommand Stored(IReadOnlyList<JobStreamed> chunks) => new NpgsqlBatchCommand("""
        INSERT INTO job_stream_chunks (job_id, attempt, sequence, chunk, handed_out)
        SELECT u.id, u.attempt, u.sequence, convert_from(u.chunk, 'UTF8')::json, false
        FROM unnest($1::uuid[], $2::int[], $3::int[], $4::bytea[]) AS u(id, attempt, sequence, chunk)
        ON CONFLICT DO NOTHING
        """)
        .Column(chunks, c => c.JobId)
        .Column(chunks, c => c.Attempt)
        .Column(chunks, c => c.Sequence)
        .Column(chunks, c => JsonMarshal.GetRawUtf8Value(c.Chunk).ToArray());

    /// <summary>
    /// Hands out the chunks the job's current attempt streamed since the last call, in order and each
    /// once (the job row is locked meanwhile, so two readers cannot both take a chunk). Only the unbroken
    /// run from the next sequence number goes out, and a job that has ended reports its final status only
    /// once its last chunk has: a client that stops at the final status has every chunk. Null for no such job.
    /// </summary>
    public async Task<StreamPage?> TakeAsync(string endpointId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string status;
        int attempt, handedOut;
        int? total;
        await using (var job = new NpgsqlCommand("""
            SELECT j.status, j.attempt, j.stream_chunks,
                (SELECT count(*)::int FROM job_stream_chunks c WHERE c.job_id = j.id AND c.attempt = j.attempt AND c.handed_out)
            FROM jobs j WHERE j.id = $1 AND j.endpoint_id = $2 FOR UPDATE
            """, connection, transaction).Value(jobId).Value(endpointId))
        {
            await using var reader = await job.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (status, attempt, total, handedOut) = (reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetInt32(
                2), reader.GetInt32(3));
        }

        var chunks = new List<RawJson>();
        var sequences = new List<int>();
        await using (var pending = new NpgsqlCommand(
            "SELECT sequence, chunk FROM job_stream_chunks WHERE job_id = $1 AND attempt = $2 AND NOT handed_out ORDER BY sequence",
            connection, transaction).Value(jobId).Value(attempt))
        {
            await using var reader = await pending.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken) && reader.GetInt32(0) == handedOut + sequences.Count)
            {
                sequences.Add(reader.GetInt32(0));
                chunks.Add(new RawJson(reader.GetFieldValue<byte[]>(1)));
            }
        }

        if (sequences.Count > 0)
        {
            await using var take = new NpgsqlCommand(
                "UPDATE job_stream_chunks SET handed_out = true WHERE job_id = $1 AND attempt = $2 AND sequence = ANY($3)",
                connection, transaction).Value(jobId).Value(attempt).Value(sequences.ToArray());
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        var allOut = total is null || handedOut + sequences.Count >= total;
        var final = JobStatusWire.IsFinal(status);
        return new StreamPage(final && !allOut ? JobStatusNames.InProgress : status, chunks);
    }
}
