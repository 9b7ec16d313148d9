namespace Fleet.Worker.Sdk;

/// <summary>What a handler knows about the attempt it runs.</summary>
public sealed class JobContext(Guid jobId, string endpointId, int attempt, string workerId, string device)
{
    public Guid JobId { get; } = jobId;

    public string EndpointId { get; } = endpointId;

    public int Attempt { get; } = attempt;

    public string WorkerId { get; } = workerId;

    /// <summary>The device this worker computes on: <c>cpu</c> or <c>cuda:N</c>.</summary>
    public string Device { get; } = device;
}
