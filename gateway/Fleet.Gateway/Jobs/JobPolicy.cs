namespace Fleet.Gateway.Jobs;

/// <summary>The optional <c>policy</c> of a submission (API.md), already validated.</summary>
public sealed record JobPolicy(int? ExecutionTimeoutMs, int? TtlMs, bool LowPriority, bool? PreferGpu, int? MinGpuMemoryMb);
