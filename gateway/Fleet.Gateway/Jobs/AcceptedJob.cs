using Fleet.Gateway.Outbox;
using Fleet.Gateway.Persistence;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// A new job's row and the outbox message that announces it: written together or not at all.
/// A job that waits for a suitable worker (parked) has no message yet.
/// </summary>
public sealed record AcceptedJob(JobRecord Job, OutboxMessage? Row, OutboxEnvelope? Envelope);
