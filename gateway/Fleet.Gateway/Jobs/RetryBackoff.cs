namespace Fleet.Gateway.Jobs;

/// <summary>How long a failed attempt waits before the next: exponential, capped, with jitter.</summary>
public static class RetryBackoff
{
    private const int BaseMs = 1_000;
    private const int CapMs = 5 * 60_000;

    /// <summary>
    /// 1 s after the first failure, then 2 s, 4 s, … up to 5 min, each stretched by up to a quarter
    /// at random so that jobs that failed together do not come back together.
    /// </summary>
    public static int DelayMs(int failedAttempt)
    {
        var exponential = Math.Min(CapMs, BaseMs * Math.Pow(2, Math.Clamp(failedAttempt - 1, 0, 20)));
        return (int)(exponential * (1 + (Random.Shared.NextDouble() / 4)));
    }
}
