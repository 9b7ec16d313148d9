using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.FrontDoor;

/// <summary>A token bucket per API key: a client that floods the gateway is answered 429, the others are not slowed.</summary>
public sealed class KeyRateLimiter(IOptions<FrontDoorOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(keyId =>
        options.Value.RequestsPerSecondPerKey <= 0
            ? RateLimitPartition.GetNoLimiter(keyId)
            : RateLimitPartition.GetTokenBucketLimiter(keyId, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.Value.BurstPerKey,
                TokensPerPeriod = Math.Max(1, options.Value.RequestsPerSecondPerKey / 10),
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));

    /// <summary>Takes one request's permit; on refusal, how long to wait.</summary>
    public bool TryAcquire(string keyId, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(keyId);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
