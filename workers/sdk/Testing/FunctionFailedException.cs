using System.Text.Json;

namespace Fleet.Worker.Sdk.Testing;

/// <summary>
/// A run in the test host ended as the worker would report a failure: <see cref="Error"/> and
/// <see cref="ErrorType"/> as the job's status shows them, whether it is permanent (no retry) or an
/// execution timeout (<c>TIMED_OUT</c>), and what the handler reported and streamed before.
/// </summary>
public sealed class FunctionFailedException(
    string error,
    string errorType,
    bool permanent,
    bool timedOut,
    IReadOnlyList<FunctionProgress> progress,
    IReadOnlyList<JsonElement> chunks,
    Exception? inner) : Exception(error, inner)
{
    /// <summary>The job's <c>error</c>.</summary>
    public string Error { get; } = error;

    /// <summary>The exception's type name (<c>PermanentJobException</c>), or <c>Timeout</c>.</summary>
    public string ErrorType { get; } = errorType;

    /// <summary>Marked permanent (<see cref="PermanentJobException"/>, input the worker cannot read): no further attempt.</summary>
    public bool Permanent { get; } = permanent;

    /// <summary>The execution timeout ran out: the job ends <c>TIMED_OUT</c>, without a retry.</summary>
    public bool TimedOut { get; } = timedOut;

    /// <summary><c>TIMED_OUT</c>, or <c>FAILED</c> (after its last attempt).</summary>
    public string Status => TimedOut ? "TIMED_OUT" : "FAILED";

    public IReadOnlyList<FunctionProgress> Progress { get; } = progress;

    public IReadOnlyList<JsonElement> Chunks { get; } = chunks;
}
