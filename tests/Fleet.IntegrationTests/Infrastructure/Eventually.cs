namespace Fleet.IntegrationTests.Infrastructure;

/// <summary>Waits for a condition on a real system, with a deadline and an explanation when it is missed.</summary>
public static class Eventually
{
    public static async Task True(Func<Task<bool>> condition, TimeSpan timeout, Func<string> explain)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"condition not met within {timeout}\n{explain()}");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(500, delay.TotalMilliseconds * 2));
        }
    }

    /// <summary>Polls until a value satisfies the condition and returns it.</summary>
    public static async Task<T> Value<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, Func<string> explain)
    {
        T last = default!;
        await True(async () => condition(last = await read()), timeout, () => $"last value: {last}\n{explain()}");
        return last;
    }
}
