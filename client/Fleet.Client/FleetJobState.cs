using System.Text.Json.Serialization;

namespace Fleet.Client;

/// <summary>A job's state, as the <c>status</c> field of its status document names it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FleetJobState>))]
public enum FleetJobState
{
    /// <summary><c>IN_QUEUE</c>: accepted, waiting for a worker.</summary>
    [JsonStringEnumMemberName("IN_QUEUE")]
    InQueue,

    /// <summary><c>IN_PROGRESS</c>: a worker runs it.</summary>
    [JsonStringEnumMemberName("IN_PROGRESS")]
    InProgress,

    /// <summary><c>COMPLETED</c>: ended with an output.</summary>
    [JsonStringEnumMemberName("COMPLETED")]
    Completed,

    /// <summary><c>FAILED</c>: ended with an error after its attempts.</summary>
    [JsonStringEnumMemberName("FAILED")]
    Failed,

    /// <summary><c>CANCELLED</c>: cancelled or purged before it ended.</summary>
    [JsonStringEnumMemberName("CANCELLED")]
    Cancelled,

    /// <summary><c>TIMED_OUT</c>: ran past its execution timeout, or waited past its ttl.</summary>
    [JsonStringEnumMemberName("TIMED_OUT")]
    TimedOut,
}
