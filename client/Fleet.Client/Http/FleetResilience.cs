using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Fleet.Client.Http;

/// <summary>
/// The client's retries, declared as a resilience pipeline (Microsoft.Extensions.Http.Resilience)
/// rather than written as a loop: 429 and 503 are retried after their <c>Retry-After</c> plus
/// jitter, other transient failures with exponential backoff and jitter; every attempt has a timeout.
/// Submissions carry idempotency keys, so a retried submission never makes a second job.
/// </summary>
internal static class FleetResilience
{
    /// <summary>The share of <c>Retry-After</c> added at most, so clients refused together do not return together.</summary>
    public const double RetryAfterJitter = 0.25;

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, FleetClientOptions options)
    {
        if (options.MaxRetryAttempts == 0)
        {
            pipeline.AddTimeout(options.AttemptTimeout);
            return;
        }

        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(30),
            // Replaced by the generator below, which adds jitter to the server's Retry-After.
            ShouldRetryAfterHeader = false,
            DelayGenerator = arguments => ValueTask.FromResult(DelayFor(arguments.Outcome.Result, Random.Shared.NextDouble())),
        });
        pipeline.AddTimeout(options.AttemptTimeout);
    }

    /// <summary>
    /// The wait before retrying an answer: its <c>Retry-After</c> (seconds or a date) stretched by
    /// up to <see cref="RetryAfterJitter"/> (<paramref name="random"/> in [0, 1)); null without the
    /// header, which leaves the strategy's exponential backoff.
    /// </summary>
    public static TimeSpan? DelayFor(HttpResponseMessage? response, double random)
    {
        var header = response?.Headers.RetryAfter;
        var after = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (after is not { } delay)
        {
            return null;
        }

        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        return delay + delay * (RetryAfterJitter * random);
    }
}
