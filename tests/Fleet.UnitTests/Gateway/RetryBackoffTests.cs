using Fleet.Gateway.Jobs;

namespace Fleet.UnitTests.Gateway;

public sealed class RetryBackoffTests
{
    [Theory]
    [InlineData(1, 1_000)]
    [InlineData(2, 2_000)]
    [InlineData(3, 4_000)]
    [InlineData(9, 256_000)]
    [InlineData(10, 300_000)]
    [InlineData(1_000, 300_000)]
    public void Doubles_from_one_second_up_to_five_minutes_with_at_most_a_quarter_of_jitter(int failedAttempt, int baseMs)
    {
        var delays = Enumerable.Range(0, 200).Select(_ => RetryBackoff.DelayMs(failedAttempt)).ToList();

        Assert.All(delays, d => Assert.InRange(d, baseMs, baseMs * 1.25));
        Assert.True(delays.Distinct().Count() > 1, "jitter spreads the retries");
    }
}
