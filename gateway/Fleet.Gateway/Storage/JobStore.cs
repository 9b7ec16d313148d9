using Npgsql;

namespace Fleet.Gateway.Storage;

/// <summary>
/// The only code that writes <c>jobs</c>. Its statements are grouped by role: what the acceptor's
/// group commit inserts (<c>JobStore.Accept.cs</c>), what workers' reports change
/// (<c>JobStore.Reports.cs</c>, run in the recorder's batches), and the transitions the API and the
/// background services make (<c>JobStore.Transitions.cs</c>). Every update is guarded by the job's
/// status and attempt, so a late, repeated or stale change matches no row. Statements that end jobs
/// also write their webhook deliveries and statements that queue an attempt its <c>RunJob</c>, through
/// the clauses of <see cref="WebhookDeliveryStore"/> and <see cref="OutboxStore"/>.
/// </summary>
public sealed partial class JobStore(NpgsqlDataSource database)
{
    /// <summary>
    /// Makes sure a job accepted with a deferred flush is on disk before its id is handed out without
    /// its ending (a runsync whose wait expired): a synchronous no-op write of its row. False if the job
    /// is not there (the database restarted before the deferred commit reached the disk).
    /// </summary>
    public async Task<bool> EnsureDurableAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("UPDATE jobs SET attempt = attempt WHERE id = $1").Value(jobId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
