using Fleet.Gateway.Outbox;

namespace Fleet.Gateway.Jobs;

/// <summary>
/// A job as the acceptor stores it: its row (queued, attempt 1), its input as the UTF-8 JSON it was
/// submitted as, and the <c>RunJob</c> that announces it, written together or not at all. A job that
/// waits for a suitable worker (parked, low priority) has no message yet.
/// </summary>
public sealed record NewJob(
    Guid Id,
    string EndpointId,
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
