using System.Text.Json;
using Fleet.Contracts;
using Fleet.Contracts.Messages;
using Fleet.Worker.Cpu.Handlers;
using Fleet.Worker.Sdk;
using MassTransit;
using MassTransit.Testing;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Fleet.UnitTests.Worker;

/// <summary>The job consumer on MassTransit's test harness: what a worker reports for each outcome.</summary>
public sealed class RunJobConsumerTests : IAsyncLifetime
{
    private static readonly TimeSpan s_startedReportDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>The worker version of echo as this worker was given it.</summary>
    private const int OwnVersion = 3;

    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    public Task InitializeAsync() => StartAsync(OwnVersion);

    /// <summary>The consumer of a worker given echo at <paramref name="version"/>, on a fresh harness.</summary>
    private async Task StartAsync(int version)
    {
        _provider = new ServiceCollection()
            .AddLogging()
            .AddOptions()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IWorkerDevice, CpuWorkerDevice>()
            .AddSingleton(new WorkerIdentity("cpu-test"))
            .AddSingleton<JobHandlerRegistry>()
            .AddSingleton<RunningJobs>()
            .AddSingleton<CancelledJobs>()
            .AddSingleton(new EndpointCatalog(Options.Create(new FleetOptions
            {
                Endpoints = [EndpointCatalog.BuiltInEcho with { ConcurrencyPerWorker = 1, Version = version }],
            })))
            .AddSingleton<ServedEndpoints>()
            .AddSingleton<SupersededEndpoints>()
            .AddSingleton<JobSlots>()
            .AddSingleton<IHostApplicationLifetime, StubLifetime>()
            .AddSingleton<WorkerLifecycle>()
            .AddSingleton<JobRunner>()
            .Configure<WorkerOptions>(o =>
            {
                o.CancelGrace = TimeSpan.FromMilliseconds(300);
                // Longer than the production 20 ms, so a quick job stays quick on a loaded test machine.
                o.StartedReportDelay = s_startedReportDelay;
            })
            .AddJobHandler<EchoHandler>()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<RunJobConsumer>();
                bus.AddConsumer<JobsCancelledConsumer>();
            })
            .BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    private static RunJob Job(string input, int timeoutMs = 60_000, string handler = "echo", int version = OwnVersion)
    {
        var id = Guid.NewGuid();
        var document = JsonDocument.Parse(input).RootElement.Clone();
        return new(id, "echo", handler, document, 1, timeoutMs, DateTimeOffset.UtcNow, $"token-of-{id}", version);
    }

    private async Task<T> PublishedFor<T>(Guid jobId)
        where T : class
    {
        // The harness waits only until the bus has been quiet a moment; a job may take longer.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await _harness.Published.Any<T>(m => JobIdOf(m.Context.Message) == jobId))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {typeof(T).Name} for {jobId}");
        }

        return _harness.Published.Select<T>(m => JobIdOf(m.Context.Message) == jobId).First().Context.Message;
    }

    private static Guid JobIdOf(object message) => message switch
    {
        JobStarted m => m.JobId,
        JobSucceeded m => m.JobId,
        JobFailed m => m.JobId,
        _ => Guid.Empty,
    };

    [Fact]
    public async Task Reports_a_running_job_started_then_succeeded_with_output_worker_and_device()
    {
        var job = Job("""{"echo": "hi", "sleep_s": 0.2}""");
        await _harness.Bus.Publish(job);

        var started = await PublishedFor<JobStarted>(job.JobId);
        var succeeded = await PublishedFor<JobSucceeded>(job.JobId);

        Assert.Equal("cpu-test", started.WorkerId);
        Assert.Equal("cpu", succeeded.Device);
        Assert.Equal(started.StartedAt, succeeded.StartedAt);
        // Slept on the monotonic clock, timed on the wall clock: allow a few milliseconds.
        Assert.True(succeeded.FinishedAt - succeeded.StartedAt >= TimeSpan.FromMilliseconds(195));
        Assert.Equal("""{"echo":"hi"}""", succeeded.Output.GetRawText());
    }

    [Fact]
    public async Task Every_report_and_the_heartbeats_lease_list_carry_the_attempts_report_token()
    {
        var job = Job("""{"stream": ["a"], "sleep_s": 1, "progress_every_s": 0.5}""");
        await _harness.Bus.Publish(job);

        var started = await PublishedFor<JobStarted>(job.JobId);
        var running = _provider.GetRequiredService<RunningJobs>().Snapshot();
        var succeeded = await PublishedFor<JobSucceeded>(job.JobId);
        var chunk = _harness.Published.Select<JobStreamed>(m => m.Context.Message.JobId == job.JobId).Single().Context.Message;
        var progress = _harness.Published.Select<JobProgressed>(m => m.Context.Message.JobId == job.JobId).First().Context.Message;

        var tokens = new[] { started.ReportToken, chunk.ReportToken, progress.ReportToken, succeeded.ReportToken };
        Assert.All(tokens, t => Assert.Equal(job.ReportToken, t));
        Assert.Equal(new RunningAttempt(job.JobId, 1, job.ReportToken!), Assert.Single(running));
    }

    [Fact]
    public async Task Reports_only_the_ending_of_a_job_shorter_than_the_report_delay()
    {
        var job = Job("""{"echo": "quick"}""");
        await _harness.Bus.Publish(job);

        var succeeded = await PublishedFor<JobSucceeded>(job.JobId);

        Assert.True(succeeded.FinishedAt - succeeded.StartedAt < s_startedReportDelay);
        Assert.False(await _harness.Published.Any<JobStarted>(m => m.Context.Message.JobId == job.JobId));
    }

    [Fact]
    public async Task Streams_each_chunk_in_order_before_the_ending_which_counts_them()
    {
        var job = Job("""{"stream": ["a", "b", "c"]}""");
        await _harness.Bus.Publish(job);

        var succeeded = await PublishedFor<JobSucceeded>(job.JobId);
        var chunks = _harness.Published.Select<JobStreamed>(m => m.Context.Message.JobId == job.JobId)
            .Select(m => m.Context.Message).OrderBy(c => c.Sequence).ToList();

        Assert.Equal(3, succeeded.StreamedChunks);
        Assert.Equal([0, 1, 2], chunks.Select(c => c.Sequence));
        Assert.Equal(["a", "b", "c"], chunks.Select(c => c.Chunk.GetString()));
    }

    [Fact]
    public async Task Reports_a_handler_exception_as_the_job_failure()
    {
        var job = Job("""{"fail": "bad weights"}""");
        await _harness.Bus.Publish(job);

        var failed = await PublishedFor<JobFailed>(job.JobId);

        Assert.Equal("bad weights", failed.Error);
        Assert.Equal(nameof(EchoFailureException), failed.ErrorType);
        Assert.Equal("echo", failed.EndpointId);
        Assert.False(failed.TimedOut);
        Assert.False(failed.Permanent);
        Assert.False(await _harness.Published.Any<JobSucceeded>(m => m.Context.Message.JobId == job.JobId));
    }

    [Fact]
    public async Task Reports_an_execution_timeout_and_stops_the_handler()
    {
        var job = Job("""{"sleep_s": 30}""", timeoutMs: 300);
        await _harness.Bus.Publish(job);

        var failed = await PublishedFor<JobFailed>(job.JobId);

        Assert.True(failed.TimedOut);
        Assert.Contains("300 ms", failed.Error, StringComparison.Ordinal);
        Assert.True(failed.FinishedAt - failed.StartedAt < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Reports_an_unknown_handler_as_a_failure()
    {
        var job = Job("{}", handler: "no-such-handler");
        await _harness.Bus.Publish(job);

        var failed = await PublishedFor<JobFailed>(job.JobId);

        Assert.Equal("UnknownHandler", failed.ErrorType);
        Assert.True(failed.Permanent);
    }

    [Fact]
    public async Task Drops_a_job_cancelled_while_queued_without_running_it()
    {
        var job = Job("""{"echo": 1}""");
        await _harness.Bus.Publish(new JobsCancelled([job.JobId]));
        Assert.True(await _harness.Consumed.Any<JobsCancelled>());

        await _harness.Bus.Publish(job);

        Assert.True(await _harness.Consumed.Any<RunJob>(m => m.Context.Message.JobId == job.JobId));
        Assert.False(await _harness.Published.Any<JobStarted>(m => m.Context.Message.JobId == job.JobId));
        Assert.False(await _harness.Published.Any<JobSucceeded>(m => m.Context.Message.JobId == job.JobId));
    }

    [Fact]
    public async Task Reports_the_timeout_of_a_handler_that_ignores_its_token_after_the_grace_period_and_stops_the_worker()
    {
        var job = Job("""{"sleep_s": 30, "ignore_cancel": true}""", timeoutMs: 200);
        await _harness.Bus.Publish(job);

        var failed = await PublishedFor<JobFailed>(job.JobId);

        Assert.True(failed.TimedOut);
        // Timeout (200 ms) plus grace (300 ms), not the handler's 30 s.
        Assert.InRange(failed.FinishedAt - failed.StartedAt, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(10));
        var lifetime = (StubLifetime)_provider.GetRequiredService<IHostApplicationLifetime>();
        Assert.True(lifetime.StopRequested);
        Assert.True(_provider.GetRequiredService<WorkerLifecycle>().Stopping);
        Assert.Equal(WorkerLifecycle.RunawayHandlerExitCode, Environment.ExitCode);
        Environment.ExitCode = 0;
    }

    [Fact]
    public async Task Drops_a_superseded_attempt_but_runs_the_current_one()
    {
        var stale = Job("""{"echo": "stale"}""");
        var current = stale with { Attempt = 2 };
        await _harness.Bus.Publish(new AttemptsSuperseded([new SupersededAttempt(stale.JobId, 2)]));
        Assert.True(await _harness.Consumed.Any<AttemptsSuperseded>());

        await _harness.Bus.Publish(stale);
        await _harness.Bus.Publish(current);

        var succeeded = await PublishedFor<JobSucceeded>(current.JobId);
        Assert.Equal(2, succeeded.Attempt);
        Assert.Single(_harness.Published.Select<JobSucceeded>(m => m.Context.Message.JobId == stale.JobId));
    }

    [Fact]
    public async Task Runs_no_more_jobs_at_once_than_the_endpoint_concurrency()
    {
        // Here echo runs one job per worker at a time.
        var first = Job("""{"sleep_s": 0.5}""");
        var second = Job("""{"sleep_s": 0.5}""");
        await _harness.Bus.Publish(first);
        await _harness.Bus.Publish(second);

        var a = await PublishedFor<JobSucceeded>(first.JobId);
        var b = await PublishedFor<JobSucceeded>(second.JobId);

        var (earlier, later) = a.StartedAt < b.StartedAt ? (a, b) : (b, a);
        Assert.True(later.StartedAt >= earlier.FinishedAt - TimeSpan.FromMilliseconds(5), $"overlap: {earlier.FinishedAt:O} > {later.StartedAt:O}");
    }

    [Fact]
    public async Task Every_report_names_the_version_this_worker_runs_whatever_version_accepted_the_job()
    {
        var running = Job("""{"sleep_s": 0.5}""", version: OwnVersion - 1);
        var failing = Job("""{"fail": "no"}""", version: 0);
        await _harness.Bus.Publish(running);
        var started = await PublishedFor<JobStarted>(running.JobId);
        var succeeded = await PublishedFor<JobSucceeded>(running.JobId);
        await _harness.Bus.Publish(failing);
        var failed = await PublishedFor<JobFailed>(failing.JobId);

        Assert.Equal([OwnVersion, OwnVersion, OwnVersion],
            new[] { started.EndpointVersion, succeeded.EndpointVersion, failed.EndpointVersion });
    }

    [Fact]
    public async Task Hands_a_job_of_a_newer_version_back_to_its_queue_and_takes_no_more_jobs_of_that_endpoint()
    {
        var superseded = _provider.GetRequiredService<SupersededEndpoints>();
        var raised = new List<string>();
        superseded.Superseded += raised.Add;
        var newer = Job("""{"echo": "for the new workers"}""", version: OwnVersion + 1);
        await _harness.Bus.Publish(newer);
        Assert.True(await _harness.Sent.Any<RunJob>(m => m.Context.Message.JobId == newer.JobId));

        // A job of this worker's own version, delivered after: handed back too, the worker is on its way out.
        var own = Job("""{"echo": "mine"}""");
        await _harness.Bus.Publish(own);
        Assert.True(await _harness.Sent.Any<RunJob>(m => m.Context.Message.JobId == own.JobId));

        var sent = _harness.Sent.Select<RunJob>().Select(m => m.Context).ToList();
        Assert.All(sent, m => Assert.EndsWith("/" + FleetNames.JobQueue("echo", Hardware.Cpu), m.DestinationAddress!.AbsolutePath));
        var handedBack = sent.Single(m => m.Message.JobId == newer.JobId).Message;
        Assert.Equal((newer.EndpointVersion, newer.Attempt, newer.ReportToken),
            (handedBack.EndpointVersion, handedBack.Attempt, handedBack.ReportToken));
        Assert.Equal(["echo"], raised);
        Assert.True(superseded.Contains("echo"));
        Assert.False(await _harness.Published.Any<JobStarted>());
        Assert.False(await _harness.Published.Any<JobSucceeded>());
    }

    [Fact]
    public async Task An_unversioned_worker_runs_jobs_of_any_version()
    {
        await DisposeAsync();
        await StartAsync(version: 0);
        var job = Job("""{"echo": "any"}""", version: OwnVersion + 5);

        await _harness.Bus.Publish(job);

        Assert.Equal(0, (await PublishedFor<JobSucceeded>(job.JobId)).EndpointVersion);
        Assert.False(_provider.GetRequiredService<SupersededEndpoints>().Contains("echo"));
    }

    private sealed class StubLifetime : IHostApplicationLifetime
    {
        public bool StopRequested { get; private set; }

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => StopRequested = true;
    }
}
