using Fleet.Gateway.Outbox;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// A job as the acceptor stores it: its row (queued, attempt 1), its input as the UTF-8 JSON it was
/// submitted as, and the <c>RunJob</c> that announces it, written together or not at all. A job that
/// waits for a suitable worker (parked, low priority) has no message yet. <see cref="EndpointVersion"/> is the
/// endpoint's worker version at accept: workers of an older version hand the job back.
/// </summary>
public sealed record NewJob(
    Guid Id,
    string EndpointId,
    int EndpointVersion,
    ReadOnlyMemory<byte> Input,
    string? Webhook,
    int ExecutionTimeoutMs,
    int? TtlMs,
    bool LowPriority,
    string? Queue,
    string Routing,
    int? MinGpuMemoryMb,
    bool? PreferGpu,
    string? IdempotencyKey,
    DateTimeOffset CreatedAt,
    OutboxEnvelope? Message);
