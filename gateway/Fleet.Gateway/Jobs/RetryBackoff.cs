namespace Fleet.Gateway.Jobs;

/// <summary>How long a failed attempt waits before the next: exponential, capped, with jitter.</summary>
public static class RetryBackoff
{
    /// <summary>
    /// <paramref name="first"/> after the first failure, then doubling up to <paramref name="cap"/>,
    /// each stretched by up to a quarter at random so that what failed together does not come back together.
    /// </summary>
    public static TimeSpan Delay(int failedAttempt, TimeSpan first, TimeSpan cap)
    {
        var exponential = Math.Min(cap.Ticks, first.Ticks * Math.Pow(2, Math.Clamp(failedAttempt - 1, 0, 30)));
        return TimeSpan.FromTicks((long)(exponential * (1 + (Random.Shared.NextDouble() / 4))));
    }

    /// <summary>A job's retries: 1 s after the first failure, then 2 s, 4 s, … up to 5 min.</summary>
    public static int DelayMs(int failedAttempt) =>
        (int)Delay(failedAttempt, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)).TotalMilliseconds;
}
