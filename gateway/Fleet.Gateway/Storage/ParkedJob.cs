namespace Fleet.Gateway.Storage;

/// <summary>A queued job with no queue yet, and what deciding where it may go needs of it.</summary>
public sealed record ParkedJob(Guid Id, string EndpointId, int? MinGpuMemoryMb, bool? PreferGpu, bool LowPriority);
