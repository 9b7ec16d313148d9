using Fleet.Contracts;
using Fleet.Contracts.Messages;
using Fleet.Gateway.Reports;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.UnitTests.Gateway;

public sealed class ReportGuardTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private readonly ReportOptions _options = new()
    {
        Key = "a-report-key-of-at-least-32-chars!",
        WorkerKey = "the-workers-heartbeat-key-32-chars+",
        HeartbeatSkew = TimeSpan.FromSeconds(60),
    };

    private readonly Logged _log = new();
    private readonly ReportTokens _tokens;
    private readonly ReportGuard _guard;

    public ReportGuardTests()
    {
        _tokens = new ReportTokens(Options.Create(_options));
        _guard = new ReportGuard(_tokens, Options.Create(_options), new FixedTime(s_now), _log);
    }

    [Fact]
    public void Admits_a_report_with_its_attempts_token()
    {
        var job = Guid.CreateVersion7();

        Assert.True(_guard.Admits(nameof(JobSucceeded), job, 1, _tokens.For(job, 1), "cpu-1"));
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void Refuses_a_report_with_another_attempts_token_and_logs_job_attempt_and_worker()
    {
        var job = Guid.CreateVersion7();

        Assert.False(_guard.Admits(nameof(JobSucceeded), job, 2, _tokens.For(job, 1), "forger\nfake line"));

        var warning = Assert.Single(_log.Warnings);
        Assert.Contains($"JobSucceeded for job {job} attempt 2 from worker forger?fake line", warning);
    }

    [Fact]
    public void Refuses_an_unsigned_heartbeat()
    {
        Assert.Null(_guard.Admit(Beat(s_now)));
        Assert.Contains("Refused heartbeat of worker cpu-1: its signature", Assert.Single(_log.Warnings));
    }

    [Theory]
    [InlineData(-61)]
    [InlineData(61)]
    public void Refuses_a_signed_heartbeat_sent_further_than_the_skew_from_now(int seconds)
    {
        Assert.Null(_guard.Admit(Signed(Beat(s_now.AddSeconds(seconds)))));
        Assert.Contains("s from this gateway's clock", Assert.Single(_log.Warnings));
    }

    [Theory]
    [InlineData(-59)]
    [InlineData(59)]
    public void Admits_a_signed_heartbeat_within_the_skew(int seconds) =>
        Assert.NotNull(_guard.Admit(Signed(Beat(s_now.AddSeconds(seconds)))));

    [Fact]
    public void Keeps_a_signed_heartbeat_but_drops_the_leases_it_holds_no_token_for()
    {
        var (genuine, forged) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var beat = Signed(Beat(s_now,
            new RunningAttempt(genuine, 1, _tokens.For(genuine, 1)), new RunningAttempt(forged, 3, _tokens.For(forged, 2))));

        var admitted = _guard.Admit(beat);

        Assert.Equal([genuine], admitted!.RunningJobs.Select(r => r.JobId));
        Assert.Contains($"lease renewal of job {forged} attempt 3 by worker cpu-1", Assert.Single(_log.Warnings));
    }

    private static WorkerHeartbeat Beat(DateTimeOffset sentAt, params RunningAttempt[] running) =>
        new("cpu-1", Hardware.Cpu, "cpu", ["echo"], 4, running, null, null, sentAt, Stopping: false, IdleSeconds: null);

    private WorkerHeartbeat Signed(WorkerHeartbeat beat) => HeartbeatSignature.Signed(beat, _options.WorkerKey);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class Logged : ILogger<ReportGuard>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings.Add(formatter(state, exception));
            }
        }
    }
}
