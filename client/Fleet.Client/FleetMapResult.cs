using System.Runtime.ExceptionServices;

namespace Fleet.Client;

/// <summary>
/// One input's result in a map that returns exceptions instead of throwing them (Modal's
/// <c>return_exceptions</c>): its output, or why there is none.
/// </summary>
/// <typeparam name="TOutput">The endpoint's output record.</typeparam>
public sealed record FleetMapResult<TOutput>
{
    /// <summary>The input's position in the map's inputs, from 0.</summary>
    public required int Index { get; init; }

    /// <summary>The job that ran it; null when its submission was refused.</summary>
    public string? JobId { get; init; }

    /// <summary>The output, when <see cref="Succeeded"/>.</summary>
    public TOutput? Output { get; init; }

    /// <summary>
    /// Why there is no output: a <see cref="FleetJobException"/> (failed, timed out, cancelled), a
    /// <see cref="FleetApiException"/> (the input was refused, status 400), or the output's JSON
    /// did not fit <typeparamref name="TOutput"/>.
    /// </summary>
    public Exception? Exception { get; init; }

    /// <summary>Whether the job completed and its output was read.</summary>
    public bool Succeeded => Exception is null;

    /// <summary>The output, or the exception thrown again.</summary>
    public TOutput GetOutputOrThrow()
    {
        if (Exception is not null)
        {
            ExceptionDispatchInfo.Throw(Exception);
        }

        return Output!;
    }
}
