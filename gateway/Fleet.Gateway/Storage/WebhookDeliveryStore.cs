using Fleet.Contracts;
using System.Text.Json;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Webhooks;
using Npgsql;

namespace Fleet.Gateway.Storage;

/// <summary>
/// The only code that writes <c>webhook_deliveries</c>. A job's delivery is written by the statement
/// that ends the job (<see cref="InsertForEndedFrom"/>), so it exists exactly when the ending committed;
/// the sender claims due deliveries (<see cref="ClaimDueAsync"/>) and records each attempt under its claim.
/// </summary>
public sealed class WebhookDeliveryStore(NpgsqlDataSource database)
{
    private static readonly string s_ended =
        $"'{JobStatusNames.Completed}', '{JobStatusNames.Failed}', '{JobStatusNames.Cancelled}', '{JobStatusNames.TimedOut}'";

    /// <summary>
    /// A clause that writes a pending delivery for each row of the CTE <paramref name="source"/> (columns
    /// <c>id</c>, <c>webhook</c>) that has a webhook, due at <paramref name="now"/> (an SQL expression).
    /// </summary>
    public static string InsertForEndedFrom(string source, string now) => $"""
        INSERT INTO webhook_deliveries (id, job_id, url, state, attempts, next_attempt_at, created_at, attempt_log)
        SELECT gen_random_uuid(), s.id, s.webhook, 'pending', 0, {now}, {now}, '[]' FROM {source} s WHERE s.webhook IS NOT NULL
        """;

    /// <summary>A new delivery of an ended job's status document (a resend); false if it has not ended or has no webhook.</summary>
    public async Task<bool> ResendAsync(string endpointId, Guid jobId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            WITH job AS (SELECT id, webhook FROM jobs WHERE id = $1 AND endpoint_id = $2 AND status IN ({s_ended}))
            {InsertForEndedFrom("job", "$3")}
            """)
            .Value(jobId)
            .Value(endpointId)
            .Value(now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>A job's deliveries, oldest first, with every attempt.</summary>
    public async Task<List<WebhookDeliveryDocument>> ListAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT id, url, state, attempts, created_at, delivered_at, attempt_log::text
            FROM webhook_deliveries WHERE job_id = $1 ORDER BY created_at
            """)
            .Value(jobId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var deliveries = new List<WebhookDeliveryDocument>();
        while (await reader.ReadAsync(cancellationToken))
        {
            using var log = JsonDocument.Parse(reader.GetString(6));
            deliveries.Add(new WebhookDeliveryDocument(
                reader.GetGuid(0).ToString(), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                log.RootElement.Clone()));
        }

        return deliveries;
    }

    /// <summary>
    /// Takes up to <paramref name="count"/> due deliveries by moving their <c>next_attempt_at</c> to
    /// <paramref name="claimedUntil"/>: no other sender or gateway sees them due meanwhile, and that time
    /// is the claim <see cref="RecordAsync"/> must match. Each comes with its job's status columns.
    /// </summary>
    public async Task<List<DueDelivery>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset claimedUntil, int count,
        CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            WITH claimed AS (
                UPDATE webhook_deliveries SET next_attempt_at = $2
                WHERE id IN (
                    SELECT id FROM webhook_deliveries
                    WHERE state = 'pending' AND next_attempt_at <= $1
                    ORDER BY next_attempt_at LIMIT $3
                    FOR UPDATE SKIP LOCKED)
                RETURNING id, job_id, url, attempts)
            SELECT c.id, c.url, c.attempts, {JobRows.ColumnsOf("j")}
            FROM claimed c JOIN jobs j ON j.id = c.job_id
            """)
            .Value(now)
            .Value(claimedUntil)
            .Value(count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var due = new List<DueDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new DueDelivery(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), JobRows.Read(reader, offset: 3),
                claimedUntil));
        }

        return due;
    }

    /// <summary>Records an attempt, only under the claim it was sent with; false if the claim was taken over.</summary>
    public async Task<bool> RecordAsync(DueDelivery delivery, DeliveryAttempt attempt, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            UPDATE webhook_deliveries SET attempts = attempts + 1, state = $2, next_attempt_at = $3,
                delivered_at = CASE WHEN $2 = 'delivered' THEN $4 END,
                attempt_log = attempt_log || jsonb_build_array(jsonb_build_object('at', $4, 'status', $5, 'error', $6, 'durationMs', $7))
            WHERE id = $1 AND next_attempt_at = $8
            """)
            .Value(delivery.Id)
            .Value(attempt.State)
            .Value(attempt.NextAttemptAt)
            .Value(attempt.At)
            .Value(attempt.Status)
            .Value(attempt.Error)
            .Value(attempt.DurationMs)
            .Value(delivery.ClaimedUntil);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
