using System.Text.Json;
using Fleet.ServiceDefaults;

namespace Fleet.Worker.Sdk;

/// <summary>What a handler knows about the attempt it runs, and how it streams partial results.</summary>
public sealed class JobContext(
    Guid jobId,
    string endpointId,
    int attempt,
    string workerId,
    string device,
    Func<int, JsonElement, CancellationToken, Task>? emit = null,
    Func<string?, double?, CancellationToken, Task>? progress = null)
{
    private int _streamed;

    public Guid JobId { get; } = jobId;

    public string EndpointId { get; } = endpointId;

    public int Attempt { get; } = attempt;

    public string WorkerId { get; } = workerId;

    /// <summary>The device this worker computes on: <c>cpu</c> or <c>cuda:N</c>.</summary>
    public string Device { get; } = device;

    /// <summary>Chunks streamed so far.</summary>
    public int StreamedChunks => _streamed;

    /// <summary>
    /// Reports progress: shown in the job's status, and the attempt's execution timeout starts
    /// again from now, so a long job that keeps reporting is not cut off (Tensorlake's model).
    /// </summary>
    public Task ReportProgressAsync(string? message, double? percent, CancellationToken cancellationToken) =>
        progress is null ? Task.CompletedTask : progress(message, percent is null ? null : Math.Clamp(percent.Value, 0, 100),
            cancellationToken);

    /// <summary>
    /// Streams one chunk to the client (<c>/stream/{id}</c>). Returns once the broker holds it, so
    /// chunks arrive in order and all of them before the job's ending.
    /// </summary>
    public async Task StreamAsync<T>(T chunk, CancellationToken cancellationToken)
    {
        if (emit is null)
        {
            throw new InvalidOperationException("This context cannot stream.");
        }

        await emit(_streamed, JsonSerializer.SerializeToElement(chunk, FleetJson.Output), cancellationToken);
        _streamed++;
    }
}
