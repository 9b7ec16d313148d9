namespace Fleet.Gateway.Jobs;

/// <summary>The result of asking a job to change state (cancel, retry).</summary>
public enum TransitionOutcome
{
    Done,
    NotFound,

    /// <summary>The job exists but its state does not allow it (API.md: 409).</summary>
    NotAllowed,
}
