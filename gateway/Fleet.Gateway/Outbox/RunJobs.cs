using System.Text.Json;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Messages;

namespace Fleet.Gateway.Outbox;

/// <summary>The one place a <c>RunJob</c> is built from a job, at accept and when the relay sends a stored one.</summary>
public static class RunJobs
{
    /// <summary>The outbox's message type name of <c>RunJob</c> rows, which refer to their job instead of holding a body.</summary>
    public static readonly string MessageType = typeof(RunJob).FullName!;

    /// <param name="endpointVersion">The endpoint's worker version when the job was accepted (the job row's).</param>
    public static RunJob Build(
        Guid jobId, EndpointDefinition endpoint, int endpointVersion, ReadOnlySpan<byte> input, int attempt, int executionTimeoutMs,
        DateTimeOffset now)
    {
        // ParseValue copies the input into an array of its own (not a pooled one): the message outlives the request.
        var reader = new Utf8JsonReader(input);
        return new RunJob(
            jobId, endpoint.Id, endpoint.Handler, JsonElement.ParseValue(ref reader), attempt, executionTimeoutMs, now,
            EndpointVersion: endpointVersion);
    }
}
