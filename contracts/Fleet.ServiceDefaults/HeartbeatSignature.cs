using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fleet.Contracts.Messages;

namespace Fleet.ServiceDefaults;

/// <summary>
/// The signature of a <see cref="WorkerHeartbeat"/>: base64url(HMAC-SHA256(worker key, canonical text
/// of every other field)). Workers sign, gateways verify; both hold the key (<c>Worker:Key</c>). Each
/// field is written as its length, a colon and its invariant text, so no value can spill into the next.
/// </summary>
public static class HeartbeatSignature
{
    public static string Sign(WorkerHeartbeat beat, string key)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(Canonical(beat)), mac);
        return Base64Url.EncodeToString(mac);
    }

    /// <summary>The heartbeat with its signature set.</summary>
    public static WorkerHeartbeat Signed(WorkerHeartbeat beat, string key) => beat with { Signature = Sign(beat, key) };

    /// <summary>True when the heartbeat carries the signature of its fields under <paramref name="key"/>.</summary>
    public static bool IsValid(WorkerHeartbeat beat, string key) =>
        beat.Signature is { } signature
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(signature), Encoding.UTF8.GetBytes(Sign(beat, key)));

    private static string Canonical(WorkerHeartbeat beat)
    {
        var text = new StringBuilder(256);
        Field(text, beat.WorkerId);
        Field(text, beat.Hardware.ToString());
        Field(text, beat.Device);
        Field(text, beat.Endpoints.Count);
        foreach (var endpoint in beat.Endpoints)
        {
            Field(text, endpoint);
        }

        Field(text, beat.Capacity);
        Field(text, beat.RunningJobs.Count);
        foreach (var job in beat.RunningJobs)
        {
            Field(text, job.JobId.ToString("N"));
            Field(text, job.Attempt);
            Field(text, job.ReportToken);
        }

        Field(text, beat.GpuMemoryTotalMb);
        Field(text, beat.GpuMemoryFreeMb);
        // Ticks, not text: the same instant reads back the same whatever offset the JSON carried.
        Field(text, beat.SentAt.UtcTicks);
        Field(text, beat.Stopping ? 1 : 0);
        Field(text, beat.IdleSeconds?.ToString("R", CultureInfo.InvariantCulture));
        return text.ToString();
    }

    private static void Field(StringBuilder text, long? value) => Field(text, value?.ToString(CultureInfo.InvariantCulture));

    private static void Field(StringBuilder text, string? value)
    {
        // A null field has no length at all, so it differs from an empty one.
        text.Append(value is null ? "-" : value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append(';');
    }
}
