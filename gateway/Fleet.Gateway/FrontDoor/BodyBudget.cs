using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.FrontDoor;

/// <summary>
/// Counts the request-body bytes the gateway holds, in all and per API key, and refuses a reservation
/// past either bound (<see cref="FrontDoorOptions.BodyBytesInFlight"/>, <c>…PerKey</c>). Without it, 32
/// concurrent 9 MB bodies from one key, each legal alone, took the gateway to several GB.
/// </summary>
public sealed class BodyBudget(IOptions<FrontDoorOptions> options)
{
    private readonly ConcurrentDictionary<string, long> _perKey = new(StringComparer.Ordinal);
    private long _total;

    /// <summary>Bytes held now, in all (for tests and metrics).</summary>
    public long InFlight => Interlocked.Read(ref _total);

    /// <summary>Reserves <paramref name="bytes"/> more for <paramref name="keyId"/>; on refusal says which bound was hit.</summary>
    public BodyBudgetRefusal? TryReserve(string keyId, long bytes)
    {
        if (Interlocked.Add(ref _total, bytes) > options.Value.BodyBytesInFlight)
        {
            Interlocked.Add(ref _total, -bytes);
            return BodyBudgetRefusal.Gateway;
        }

        if (_perKey.AddOrUpdate(keyId, bytes, (_, held) => held + bytes) > options.Value.BodyBytesInFlightPerKey)
        {
            Release(keyId, bytes);
            return BodyBudgetRefusal.Key;
        }

        return null;
    }

    public void Release(string keyId, long bytes)
    {
        Interlocked.Add(ref _total, -bytes);
        // Removing a key's entry when it reaches zero would race a concurrent reservation; keys are few.
        _perKey.AddOrUpdate(keyId, 0, (_, held) => held - bytes);
    }
}
