using System.Globalization;
using Fleet.Contracts.Messages;

namespace Fleet.ServiceDefaults;

/// <summary>
/// The signature of a <see cref="WorkerHeartbeat"/>: base64url(HMAC-SHA256(worker key, canonical text
/// of every other field, <see cref="SignedText"/>)). Workers sign, gateways verify; both hold the key (<c>Worker:Key</c>). Each
/// field is written as its length, a colon and its invariant text, so no value can spill into the next.
/// </summary>
public static class HeartbeatSignature
{
    public static string Sign(WorkerHeartbeat beat, string key) => Canonical(beat).Sign(key);

    /// <summary>The heartbeat with its signature set.</summary>
    public static WorkerHeartbeat Signed(WorkerHeartbeat beat, string key) => beat with { Signature = Sign(beat, key) };

    /// <summary>True when the heartbeat carries the signature of its fields under <paramref name="key"/>.</summary>
    public static bool IsValid(WorkerHeartbeat beat, string key) => Canonical(beat).Verifies(beat.Signature, key);

    private static SignedText Canonical(WorkerHeartbeat beat)
    {
        var text = new SignedText()
            .Field(beat.WorkerId)
            .Field(beat.Hardware.ToString())
            .Field(beat.Device)
            .Field(beat.Endpoints.Count);
        foreach (var endpoint in beat.Endpoints)
        {
            text.Field(endpoint);
        }

        text.Field(beat.Capacity).Field(beat.RunningJobs.Count);
        foreach (var job in beat.RunningJobs)
        {
            text.Field(job.JobId.ToString("N")).Field(job.Attempt).Field(job.ReportToken);
        }

        // Ticks, not text: the same instant reads back the same whatever offset the JSON carried.
        return text.Field(beat.GpuMemoryTotalMb)
            .Field(beat.GpuMemoryFreeMb)
            .Field(beat.SentAt.UtcTicks)
            .Field(beat.Stopping ? 1 : 0)
            .Field(beat.IdleSeconds?.ToString("R", CultureInfo.InvariantCulture));
    }
}
