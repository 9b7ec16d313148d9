using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Messages;

namespace Fleet.Autoscaler.Scaling;

/// <summary>
/// Counts, per endpoint, the starts in a row of its current worker version that failed before the worker was ready
/// (the process exited, the package could not be fetched or had no program). At <c>maxFailures</c> it trips: no worker
/// of that version is started again (no crash loop) until the worker version changes, or the catalog's record of the
/// trip (<see cref="EndpointDefinition.StartFailures"/>, written by the gateway from the reports) is cleared by a reset.
/// Each change returns the report to publish (<see cref="WorkerStartsFailed"/>, unsigned).
/// </summary>
public sealed class StartFailureBreaker(int maxFailures, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Failures> _endpoints = new(StringComparer.Ordinal);

    /// <summary>A worker of <paramref name="version"/> failed to start; null when that version is no longer current.</summary>
    public WorkerStartsFailed? Failed(string endpointId, int version, string error)
    {
        lock (_lock)
        {
            if (Current(endpointId, version) is not { } failures)
            {
                return null;
            }

            failures.Count++;
            failures.LastError = error;
            failures.Tripped |= failures.Count >= maxFailures;
            return new(endpointId, version, failures.Count, error, failures.Tripped, time.GetUtcNow());
        }
    }

    /// <summary>A worker of <paramref name="version"/> became ready: after failures, the one report that they are over.</summary>
    public WorkerStartsFailed? Ready(string endpointId, int version)
    {
        lock (_lock)
        {
            if (!_endpoints.TryGetValue(endpointId, out var failures) || failures.Version != version || failures.Count == 0)
            {
                return null;
            }

            _endpoints.Remove(endpointId);
            return new(endpointId, version, 0, "", false, time.GetUtcNow());
        }
    }

    /// <summary>Why no worker of <paramref name="endpoint"/> (as the catalog has it now) may be started; null when one may.</summary>
    public string? Blocked(EndpointDefinition endpoint)
    {
        lock (_lock)
        {
            var failures = Current(endpoint.Id, endpoint.Version);
            if (failures is null)
            {
                return null;
            }

            if (endpoint.StartFailures is { Tripped: true } recorded)
            {
                // Also what a successor autoscaler learns of a trip its predecessor reported.
                failures.RecordedTrip = true;
                failures.Tripped = true;
                failures.Count = Math.Max(failures.Count, recorded.Count);
                failures.LastError = failures.LastError.Length > 0 ? failures.LastError : recorded.LastError;
            }
            else if (failures.Tripped && failures.RecordedTrip)
            {
                // The catalog recorded the trip and no longer does: an operator reset it.
                _endpoints.Remove(endpoint.Id);
                return null;
            }

            return failures.Tripped
                ? $"{failures.Count} starts in a row of version {endpoint.Version} failed (Autoscaler:MaxStartFailures {maxFailures}); " +
                  $"none is started until a new version or a reset. Last error: {LastLine(failures.LastError)}"
                : null;
        }
    }

    /// <summary>The endpoint's failures at <paramref name="version"/>, a newer version starting afresh; null for an older one.</summary>
    private Failures? Current(string endpointId, int version)
    {
        if (_endpoints.TryGetValue(endpointId, out var failures) && failures.Version >= version)
        {
            return failures.Version == version ? failures : null;
        }

        return _endpoints[endpointId] = new Failures { Version = version };
    }

    /// <summary>The last line that is not a stack frame: an exception's message, usually.</summary>
    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => !l.StartsWith("at ", StringComparison.Ordinal) && !l.StartsWith("---", StringComparison.Ordinal)) ?? "";

    private sealed class Failures
    {
        public int Version { get; init; }

        public int Count { get; set; }

        public string LastError { get; set; } = "";

        public bool Tripped { get; set; }

        /// <summary>The catalog has shown this trip, so its disappearance from the catalog means a reset.</summary>
        public bool RecordedTrip { get; set; }
    }
}
