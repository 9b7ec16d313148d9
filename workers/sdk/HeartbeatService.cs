using Fleet.Contracts.Messages;
using Fleet.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Sdk;

/// <summary>Tells the gateway, every few seconds, that this worker lives and what it runs.</summary>
public sealed class HeartbeatService(
    IBus bus,
    ServedEndpoints served,
    SupersededEndpoints superseded,
    IWorkerDevice device,
    WorkerIdentity worker,
    RunningJobs running,
    WorkerLifecycle lifecycle,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<HeartbeatService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        log.LogInformation("Worker {WorkerId} ready on device {Device}, serving {Queues}", worker.Id, device.Name, string.Join(", ",
            served.Queues));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HeartbeatSeconds), time);
        do
        {
            await BeatAsync(lifecycle.Stopping, stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await BeatAsync(stopping: true, cancellationToken);
    }

    private async Task BeatAsync(bool stopping, CancellationToken cancellationToken)
    {
        var memory = device.ReadMemory();
        // An endpoint a newer version supersedes is no longer served here: the gateway counts no capacity for it.
        var endpoints = served.Entries.Where(e => !superseded.Contains(e.Endpoint.Id)).ToList();
        var beat = HeartbeatSignature.Signed(new WorkerHeartbeat(
            worker.Id, device.Hardware, device.Name, [.. endpoints.Select(e => e.Endpoint.Id)],
            endpoints.Sum(e => e.Endpoint.ConcurrencyPerWorker), running.Snapshot(),
            memory?.TotalMb, memory?.FreeMb, time.GetUtcNow(), stopping, running.IdleSeconds()), options.Value.Key);
        try
        {
            // A heartbeat is stale after a few seconds: never let one wait long on a lost broker.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.HeartbeatSeconds * 2));
            await bus.Publish(beat, p => p.TimeToLive = TimeSpan.FromSeconds(30), timeout.Token);
            if (options.Value.HealthFile is { } file)
            {
                await File.WriteAllTextAsync(file, beat.SentAt.ToString("O"), CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("Heartbeat not sent: {Error}", e.Message);
        }
    }
}
