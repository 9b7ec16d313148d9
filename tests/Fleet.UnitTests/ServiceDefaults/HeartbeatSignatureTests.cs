using System.Text.Json;
using Fleet.Contracts;
using Fleet.Contracts.Messages;
using Fleet.ServiceDefaults;

namespace Fleet.UnitTests.ServiceDefaults;

public sealed class HeartbeatSignatureTests
{
    private const string Key = "the-workers-heartbeat-key-32-chars+";

    private static readonly WorkerHeartbeat s_beat = new(
        "gpu-worker-1", Hardware.Gpu, "cuda:0", ["mlp", "matmul"], 4,
        [new RunningAttempt(Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"), 2, "dG9rZW4")],
        24_576, 20_000, new DateTimeOffset(2026, 11, 23, 10, 11, 12, 345, TimeSpan.FromHours(2)).AddTicks(6789),
        Stopping: false, IdleSeconds: null);

    [Fact]
    public void A_signed_heartbeat_is_valid_after_a_json_round_trip()
    {
        var signed = HeartbeatSignature.Signed(s_beat with { IdleSeconds = 0.1 + 0.2 }, Key);

        var json = JsonSerializer.Serialize(signed, JsonSerializerOptions.Web);
        var received = JsonSerializer.Deserialize<WorkerHeartbeat>(json, JsonSerializerOptions.Web)!;

        Assert.True(HeartbeatSignature.IsValid(received, Key));
    }

    [Fact]
    public void A_heartbeat_without_a_signature_or_signed_with_another_key_is_not_valid()
    {
        Assert.False(HeartbeatSignature.IsValid(s_beat, Key));
        Assert.False(HeartbeatSignature.IsValid(HeartbeatSignature.Signed(s_beat, "some-other-key-also-32-characters!"), Key));
    }

    public static TheoryData<string, Func<WorkerHeartbeat, WorkerHeartbeat>> Changes() => new()
    {
        { "worker id", b => b with { WorkerId = "gpu-worker-2" } },
        { "hardware", b => b with { Hardware = Hardware.Cpu } },
        { "device", b => b with { Device = "cuda:1" } },
        { "endpoints", b => b with { Endpoints = ["mlp"] } },
        { "endpoints joined", b => b with { Endpoints = ["mlp;5:matmul"] } },
        { "capacity", b => b with { Capacity = 400 } },
        { "running attempt", b => b with { RunningJobs = [b.RunningJobs[0] with { Attempt = 3 }] } },
        { "running token", b => b with { RunningJobs = [b.RunningJobs[0] with { ReportToken = "other" }] } },
        { "running jobs", b => b with { RunningJobs = [] } },
        { "gpu memory total", b => b with { GpuMemoryTotalMb = null } },
        { "gpu memory free", b => b with { GpuMemoryFreeMb = 99_999 } },
        { "sent at", b => b with { SentAt = b.SentAt.AddTicks(1) } },
        { "stopping", b => b with { Stopping = true } },
        { "idle seconds", b => b with { IdleSeconds = 0 } },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Changing_any_field_breaks_the_signature(string field, Func<WorkerHeartbeat, WorkerHeartbeat> change)
    {
        var signed = HeartbeatSignature.Signed(s_beat, Key);

        Assert.True(HeartbeatSignature.IsValid(signed, Key));
        Assert.False(HeartbeatSignature.IsValid(change(signed), Key), $"{field} changed, signature still valid");
    }

    [Fact]
    public void The_same_instant_in_another_offset_keeps_the_signature()
    {
        var signed = HeartbeatSignature.Signed(s_beat, Key);

        Assert.True(HeartbeatSignature.IsValid(signed with { SentAt = signed.SentAt.ToUniversalTime() }, Key));
    }
}
