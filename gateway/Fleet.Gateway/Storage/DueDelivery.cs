namespace Fleet.Gateway.Storage;

/// <summary>A webhook delivery this sender claimed until <see cref="ClaimedUntil"/>, with its job's status columns.</summary>
public sealed record DueDelivery(Guid Id, string Url, int Attempts, JobStatusRow Job, DateTimeOffset ClaimedUntil);
