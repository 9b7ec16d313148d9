using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.ServiceDefaults;

/// <summary>
/// Keeps every receive endpoint of the bus consuming. MassTransit reconnects a receive endpoint by
/// itself, but each endpoint waits out its own backoff (3 s growing to 30 s), so after an outage of
/// the broker a queue may stay without its consumer for half a minute after the broker is back; and
/// an endpoint whose channel never hears of the lost connection (RabbitMQ.Client tells a dropped
/// connection's channels one after another, and stops if one of them does not let go) thinks it
/// still consumes. The watchdog follows each endpoint's events and stops and starts it again:
/// <list type="bullet">
/// <item>when it has not been ready for <see cref="RestartAfter"/> (a lost channel, a failed reconnect), and again
/// 2, 4, then every 8 s until it is;</item>
/// <item>when it still counts as ready <see cref="OrphanAfter"/> after another endpoint of the bus failed to reach the
/// broker, and others have been ready again since: all of them share one connection, so it is on a connection that is
/// gone.</item>
/// </list>
/// An endpoint stopped on purpose (a draining worker, the bus stopping) is left alone, and one
/// restart at a time runs per endpoint, so an endpoint never has two consumers.
/// </summary>
/// <param name="services">For the bus, which is built after its observers: this is one of them.</param>
public sealed class ReceiveEndpointWatchdog(IServiceProvider services, TimeProvider time, ILogger<ReceiveEndpointWatchdog> log)
    : BackgroundService, IReceiveEndpointObserver
{
    /// <summary>How long an endpoint may be without its consumer before it is restarted.</summary>
    public static readonly TimeSpan RestartAfter = TimeSpan.FromSeconds(5);

    /// <summary>How long an endpoint may still count as ready after the connection was lost.</summary>
    public static readonly TimeSpan OrphanAfter = TimeSpan.FromSeconds(30);

    /// <summary>How long a restart waits for the endpoint to stop; it is tried again later if it has not.</summary>
    public static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<Uri, WatchedEndpoint> _endpoints = new();
    private readonly ConcurrentDictionary<Uri, Task> _restarts = new();
    // UTC ticks of the last failure to reach the broker and of the last endpoint that became ready
    // (0: none), read and written from any thread.
    private long _connectionLostTicks;
    private long _lastReadyTicks;

    public Task Ready(ReceiveEndpointReady ready)
    {
        Volatile.Write(ref _lastReadyTicks, time.GetUtcNow().UtcTicks);
        if (Watch(ready) is { } endpoint && endpoint.BecameReady(time.GetUtcNow()) is { } outage)
        {
            log.LogInformation("Receive endpoint {Queue} consumes again, {Seconds:0.0} s after it lost its consumer ({Restarts} restarts)",
                endpoint.Queue, outage.Down.TotalSeconds, outage.Restarts);
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping)
    {
        // Stopped by its owner (not by a restart here): it is not to consume any more.
        if (Watch(stopping) is { Restarting: false } endpoint)
        {
            endpoint.Stopped = true;
        }

        return Task.CompletedTask;
    }

    public Task Completed(ReceiveEndpointCompleted completed)
    {
        Watch(completed)?.WentDown(time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task Faulted(ReceiveEndpointFaulted faulted)
    {
        var now = time.GetUtcNow();
        if (Watch(faulted) is { } endpoint)
        {
            endpoint.WentDown(now);
            endpoint.LastFault = faulted.Exception?.Message;
        }

        if (faulted.Exception is ConnectionException)
        {
            Volatile.Write(ref _connectionLostTicks, now.UtcTicks);
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops watching and waits for the restarts under way (a draining worker calls this before it stops its queues).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(_restarts.Values).WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = time.GetUtcNow();
            foreach (var endpoint in _endpoints.Values)
            {
                if (Due(endpoint, now) is not { } reason || stoppingToken.IsCancellationRequested)
                {
                    continue;
                }

                if (!Connected(endpoint))
                {
                    // Disconnected by its owner, which stops it without telling the bus's observers.
                    endpoint.Stopped = true;
                }
                else
                {
                    endpoint.Restarting = true;
                    _restarts[endpoint.Address] = RestartAsync(endpoint, reason);
                }
            }
        }
    }

    /// <summary>Whether the endpoint is still one of the bus's.</summary>
    private bool Connected(WatchedEndpoint endpoint) =>
        services.GetRequiredService<IBusControl>().CheckHealth().Endpoints.Values
            .Any(e => ReferenceEquals(e.ReceiveEndpoint, endpoint.Receiver));

    /// <returns>Why the endpoint is to be restarted now, or null.</returns>
    private string? Due(WatchedEndpoint endpoint, DateTimeOffset now)
    {
        if (endpoint.Stopped || endpoint.Restarting)
        {
            return null;
        }

        if (endpoint.DownSince is { } down)
        {
            return now - down < RestartAfter || now - endpoint.LastRestart < RestartAgainAfter(endpoint.Restarts) ? null
                : endpoint.LastFault is { } fault ? $"faulted: {fault}" : "its channel closed";
        }

        // Ready since before the connection was lost, while others have been ready again since: it
        // was never told that its channel is gone.
        var lost = Volatile.Read(ref _connectionLostTicks);
        return lost > 0 && endpoint.ReadySince.UtcTicks < lost && Volatile.Read(ref _lastReadyTicks) > lost
            && now.UtcTicks - lost >= OrphanAfter.Ticks
            ? "it still counts as consuming on a connection that was lost"
            : null;
    }

    /// <summary>2, 4, then every 8 s: soon after the broker is back, without hammering one that stays away.</summary>
    private static TimeSpan RestartAgainAfter(int restarts) =>
        restarts == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(8, 2 << Math.Min(restarts - 1, 3)));

    private async Task RestartAsync(WatchedEndpoint endpoint, string reason)
    {
        var now = time.GetUtcNow();
        endpoint.WentDown(now);
        endpoint.LastRestart = now;
        endpoint.Restarts++;
        var level = endpoint.Restarts == 1 ? LogLevel.Warning : LogLevel.Debug;
        log.Log(level, "Receive endpoint {Queue} has had no consumer for {Seconds:0.0} s ({Reason}); restarting it (restart {Restart})",
            endpoint.Queue, (now - endpoint.DownSince!.Value).TotalSeconds, reason, endpoint.Restarts);
        try
        {
            using var limit = new CancellationTokenSource(StopLimit);
            await endpoint.Receiver.Stop(limit.Token);
            endpoint.Receiver.Start(CancellationToken.None);
        }
        catch (Exception e)
        {
            // Still stopping (a channel of a lost connection can take its close timeout): tried again later.
            log.LogWarning("Receive endpoint {Queue} could not be restarted yet: {Error}", endpoint.Queue, e.Message);
        }
        finally
        {
            endpoint.Restarting = false;
            _restarts.TryRemove(endpoint.Address, out _);
        }
    }

    /// <returns>The endpoint's state, or null for the bus's own endpoint (request replies only).</returns>
    private WatchedEndpoint? Watch(ReceiveEndpointEvent e) =>
        e.ReceiveEndpoint is ReceiveEndpoint { IsBusEndpoint: true }
            ? null
            : _endpoints.GetOrAdd(e.InputAddress, address => new WatchedEndpoint(address, e.ReceiveEndpoint, time.GetUtcNow()));
}
