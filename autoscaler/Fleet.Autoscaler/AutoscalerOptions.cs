using System.ComponentModel.DataAnnotations;
using Fleet.Contracts;

namespace Fleet.Autoscaler;

/// <summary>Section <c>Autoscaler</c>.</summary>
public sealed class AutoscalerOptions
{
    public const string Section = "Autoscaler";

    /// <summary>How often signals are read and decisions taken.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Endpoints to scale; empty means every endpoint of the catalog.</summary>
    public List<string> Endpoints { get; set; } = [];

    /// <summary>The CPU worker program (<c>Fleet.Worker.Cpu.dll</c>), for CPU endpoints.</summary>
    public string? CpuWorkerPath { get; set; }

    /// <summary>The GPU worker program (<c>Fleet.Worker.Gpu.dll</c>), for GPU endpoints and their CPU fallback.</summary>
    public string? GpuWorkerPath { get; set; }

    /// <summary>How worker programs are started (<c>dotnet</c> from PATH by default).</summary>
    [Required]
    public string DotnetPath { get; set; } = "dotnet";

    /// <summary>Where each worker's output (<c>{id}.log</c>) and pid file go.</summary>
    [Required]
    public string WorkerLogDirectory { get; set; } = "workers";

    /// <summary>Wait before restarting a crashed worker; doubles with each crash in a row.</summary>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A worker that ran this long before it crashed starts again from the first delay.</summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Added to an endpoint's execution timeout to give a draining worker's last job time to end.
    /// A worker still alive past that is killed (logged as an error): its job had timed out anyway.
    /// </summary>
    public TimeSpan DrainMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Guards the operator port (<c>/decisions</c>, <c>/workers</c> with pids and log paths, <c>/metrics</c>):
    /// when set, every route but <c>/healthz</c> needs <c>Authorization: Bearer {key}</c>. Required for
    /// listening beyond loopback; without it the autoscaler refuses to start there.
    /// </summary>
    public string? OperatorApiKey { get; set; }

    /// <summary>How long the autoscaler's own shutdown waits for its drained workers to exit.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The broker user the workers it starts connect with. The autoscaler's own (<c>RabbitMq:Username</c>)
    /// only reads queue depths from the management API.
    /// </summary>
    [Required]
    public string WorkerRabbitMqUsername { get; set; } = "";

    [Required]
    public string WorkerRabbitMqPassword { get; set; } = "";

    /// <summary>The key its workers sign heartbeats with, passed on as their <c>Worker:Key</c>.</summary>
    [Required]
    [MinLength(FleetSettings.MinKeyLength)]
    public string WorkerKey { get; set; } = "";

    /// <summary>
    /// The gateway workers fetch function packages from (<c>GET /v1/packages/{sha256}</c>, signed with
    /// <see cref="WorkerKey"/>); required for endpoints that name a package.
    /// </summary>
    public Uri? GatewayUrl { get; set; }

    /// <summary>Where fetched packages are kept, extracted, one folder per sha256.</summary>
    [Required]
    public string PackageDirectory { get; set; } = "packages";

    /// <summary>A package no endpoint names and no worker runs is deleted once unused this long.</summary>
    public TimeSpan PackageRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one package download may take.</summary>
    public TimeSpan PackageFetchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a package fetch keeps being tried while the gateway is unreachable or answers 5xx, 408 or 429 (backing off
    /// from half a second to 10 s) before the start counts as failed: a gateway being restarted or deployed must not trip
    /// the endpoint's start-failure breaker, and with it fail its queued jobs.
    /// </summary>
    public TimeSpan PackageFetchRetryFor { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most bytes a package may extract to (its files' sizes as the zip declares them): a start fails past it.</summary>
    public long MaxPackageExtractedBytes { get; set; } = 16L * 1024 * 1024 * 1024;

    /// <summary>
    /// Starts in a row of one endpoint version that fail before the worker is ready (it exits, or its package cannot
    /// be fetched) after which no more are started, until a new worker version or a reset of the endpoint's start failures.
    /// </summary>
    [Range(1, 1000)]
    public int MaxStartFailures { get; set; } = 3;
}
