using Fleet.Gateway.Outbox;

namespace Fleet.Gateway.Storage;

/// <summary>Jobs a transition ended, whether any has a webhook to deliver, and the broadcast that stops them on the workers.</summary>
public sealed record EndedJobs(IReadOnlyList<Guid> Ids, bool Webhooks, OutboxEnvelope? Broadcast)
{
    public static readonly EndedJobs None = new([], false, null);
}
