using Fleet.Gateway.Outbox;
using Fleet.Gateway.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// Durable accept: job rows and their <c>RunJob</c> outbox rows, committed in one transaction per
/// batch of concurrent submissions. A caller's 200 follows its commit; the relay sends afterwards.
/// </summary>
public sealed class JobAcceptor(IDbContextFactory<FleetDbContext> contexts, OutboxRelay relay)
    : GroupCommitWriter<AcceptedJob, bool>
{
    protected override async Task<IReadOnlyList<bool>> WriteBatchAsync(IReadOnlyList<AcceptedJob> items, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var item in items)
        {
            db.Jobs.Add(item.Job);
            db.OutboxMessages.Add(item.Row);
        }

        await db.SaveChangesAsync(cancellationToken);
        return new bool[items.Count];
    }

    protected override void OnCommitted(IReadOnlyList<AcceptedJob> items, IReadOnlyList<bool> results) =>
        relay.Enqueue(items.Select(i => i.Envelope));
}
