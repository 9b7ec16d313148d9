namespace Fleet.Gateway.Admission;

/// <summary>The optional <c>policy</c> of a submission (API.md), already validated.</summary>
public sealed record JobPolicy(int? ExecutionTimeoutMs, int? TtlMs, bool LowPriority, bool? PreferGpu, int? MinGpuMemoryMb)
{
    /// <summary>No policy given: the endpoint's settings apply.</summary>
    public static readonly JobPolicy None = new(null, null, false, null, null);
}
