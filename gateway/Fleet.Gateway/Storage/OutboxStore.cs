using Fleet.Contracts;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Outbox;
using Npgsql;

namespace Fleet.Gateway.Storage;

/// <summary>
/// The only code that writes <c>outbox_messages</c>. Messages are written in the same transaction as
/// the change that causes them: a broadcast as its own statement (<see cref="Insert"/>), a job's
/// <c>RunJob</c> as a clause of the statement that queues the job (<see cref="InsertRunJobsFrom"/>).
/// A <c>RunJob</c> row holds no body: it names its job and attempt, and the relay builds the message
/// from the job when it sends a stored row (<see cref="ReadDueAsync"/>).
/// </summary>
public sealed class OutboxStore(NpgsqlDataSource database)
{
    /// <summary>
    /// A clause that writes a <c>RunJob</c> row for each row of the CTE <paramref name="source"/>
    /// (columns <c>id</c>, <c>queue</c>, <c>attempt</c>), with <paramref name="createdAt"/> and
    /// <paramref name="notBefore"/> as SQL expressions (parameters of the statement it ends).
    /// </summary>
    public static string InsertRunJobsFrom(string source, string createdAt, string notBefore) => $"""
        INSERT INTO outbox_messages (id, destination, message_type, job_id, attempt, created_at, not_before)
        SELECT gen_random_uuid(), s.queue, '{RunJobs.MessageType}', s.id, s.attempt, {createdAt}, {notBefore} FROM {source} s
        """;

    /// <summary>
    /// A clause that writes the <c>RunJob</c> rows of new jobs sent at once (the acceptor's fast path,
    /// whose envelopes carry their ids), only for the jobs of the CTE <paramref name="inserted"/>: the
    /// arrays of row id, queue, job id and time are parameters <paramref name="first"/> to <c>first + 3</c>.
    /// </summary>
    public static string InsertRunJobsListed(string inserted, int first) => $"""
        INSERT INTO outbox_messages (id, destination, message_type, job_id, attempt, created_at)
        SELECT o.id, o.destination, '{RunJobs.MessageType}', o.job_id, 1, o.created_at
        FROM unnest(${first}::uuid[], ${first + 1}::text[], ${first + 2}::uuid[], ${first + 3}::timestamptz[])
            AS o(id, destination, job_id, created_at)
        WHERE o.job_id IN (SELECT id FROM {inserted})
        """;

    /// <summary>Adds the parameters of <see cref="InsertRunJobsListed"/>, in order.</summary>
    public static NpgsqlBatchCommand ListedRunJobParameters(NpgsqlBatchCommand command, IReadOnlyList<NewJob> sent) => command
        .Column(sent, j => j.Message!.Id)
        .Column(sent, j => j.Message!.Destination)
        .Column(sent, j => j.Id)
        .Column(sent, j => j.CreatedAt);

    /// <summary>A message with a body (a broadcast such as <c>JobsCancelled</c>), in the caller's transaction.</summary>
    public static NpgsqlBatchCommand Insert(OutboxEnvelope envelope, DateTimeOffset now) => new NpgsqlBatchCommand("""
        INSERT INTO outbox_messages (id, destination, message_type, body, created_at) VALUES ($1, $2, $3, $4::json, $5)
        """)
        .Value(envelope.Id)
        .Value(envelope.Destination)
        .Value(envelope.MessageType.FullName!)
        .Value(OutboxSerialization.Serialize(envelope))
        .Value(now);

    /// <summary>
    /// Rows left over (created before <paramref name="staleBefore"/>) or due (their <c>not_before</c>
    /// passed), oldest first, with what a <c>RunJob</c> row needs of its job: its input, timeout, and
    /// whether the row's attempt is still the job's queued one.
    /// </summary>
    public async Task<List<StoredOutboxRow>> ReadDueAsync(
        DateTimeOffset staleBefore, DateTimeOffset now, int limit, long inputBytes, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT o.id, o.destination, o.message_type, o.body::text, o.job_id, o.attempt, j.endpoint_id, j.input, j.execution_timeout_ms,
                j.endpoint_version, coalesce(j.status = '{JobStatusNames.InQueue}' AND j.attempt = o.attempt, false)
            FROM outbox_messages o LEFT JOIN jobs j ON j.id = o.job_id
            WHERE (o.not_before IS NULL AND o.created_at < $1) OR o.not_before <= $2
            ORDER BY o.created_at LIMIT $3
            """)
            .Value(staleBefore)
            .Value(now)
            .Value(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<StoredOutboxRow>();
        long read = 0;
        // Inputs may be megabytes: stop at about inputBytes and let the caller come back for the rest.
        while (read <= inputBytes && await reader.ReadAsync(cancellationToken))
        {
            var runnable = reader.GetBoolean(10);
            var input = runnable ? reader.GetFieldValue<byte[]>(7) : null;
            read += input?.Length ?? 0;
            rows.Add(new StoredOutboxRow(
                reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetGuid(4),
                reader.IsDBNull(5) ? null : reader.GetInt32(5), runnable ? reader.GetString(6) : null, input,
                runnable ? reader.GetInt32(8) : 0, runnable ? reader.GetInt32(9) : 0, runnable));
        }

        return rows;
    }

    /// <summary>Deletes rows the broker confirmed (or that have nothing left to send).</summary>
    public async Task DeleteAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("DELETE FROM outbox_messages WHERE id = ANY($1)").Value(ids.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
