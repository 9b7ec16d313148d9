using System.Collections.Concurrent;
using Fleet.ServiceDefaults;
using MassTransit;
using MassTransit.Events;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.UnitTests.ServiceDefaults;

/// <summary>
/// The receive endpoint watchdog on MassTransit's in-memory transport, its clock in the test's
/// hands: what it restarts, when, and what it leaves alone. The endpoint events that a lost broker
/// would raise are raised as MassTransit raises them (its own event types).
/// </summary>
public sealed class ReceiveEndpointWatchdogTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ConcurrentBag<int> _consumed = [];
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private ReceiveEndpointWatchdog _watchdog = null!;

    public async Task InitializeAsync()
    {
        _provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(_time)
            .AddSingleton(_consumed)
            .AddReceiveEndpointWatchdog()
            .AddMassTransitTestHarness(bus => bus.AddConsumer<PingConsumer>())
            .BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
        _watchdog = _provider.GetRequiredService<ReceiveEndpointWatchdog>();
        await _watchdog.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _watchdog.StopAsync(CancellationToken.None);
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Restarts_an_endpoint_that_lost_its_consumer_after_five_seconds_and_it_consumes_each_message_once()
    {
        var (handle, readies) = await ConnectAsync("watched");

        await _watchdog.Faulted(Faulted(handle.ReceiveEndpoint, new ConnectionException("Broker unreachable")));
        await TicksAsync(4);
        await Task.Delay(300);
        Assert.Single(readies);

        await TicksAsync(2);
        await UntilAsync(() => readies.Count == 2, "the endpoint was not restarted");

        await SendAsync("watched", 20);
        await UntilAsync(() => _consumed.Count == 20, $"{_consumed.Count} of 20 consumed after the restart");
        Assert.Equal(20, _consumed.Distinct().Count());
    }

    [Fact]
    public async Task Leaves_an_endpoint_stopped_by_its_owner_stopped()
    {
        var (handle, readies) = await ConnectAsync("drained");

        await handle.StopAsync(CancellationToken.None);
        await _watchdog.Faulted(Faulted(handle.ReceiveEndpoint, new ConnectionException("Broker unreachable")));
        await TicksAsync(60);
        await Task.Delay(500);

        Assert.Single(readies);
        await SendAsync("drained", 1);
        await Task.Delay(500);
        Assert.Empty(_consumed);
    }

    [Fact]
    public async Task Restarts_an_endpoint_still_counted_ready_half_a_minute_after_the_connection_was_lost_and_others_came_back()
    {
        var (lost, lostReadies) = await ConnectAsync("reconnected");
        var (orphan, orphanReadies) = await ConnectAsync("orphaned");
        await TicksAsync(1);

        // The connection is lost: one endpoint hears of it, fails to reconnect, and is restarted and
        // ready again; the other never hears of it and still counts as ready.
        await _watchdog.Faulted(Faulted(lost.ReceiveEndpoint, new ConnectionException("Broker unreachable")));
        await TicksAsync(6);
        await UntilAsync(() => lostReadies.Count == 2, "the endpoint that lost its consumer was not restarted");
        await TicksAsync(20);
        await Task.Delay(300);
        Assert.Single(orphanReadies);

        await TicksAsync(11);
        await UntilAsync(() => orphanReadies.Count == 2, "the endpoint left on the lost connection was not restarted");
        await SendAsync("orphaned", 3);
        await UntilAsync(() => _consumed.Count == 3, $"{_consumed.Count} of 3 consumed after the restart");
    }

    private async Task<(HostReceiveEndpointHandle Handle, ConcurrentBag<DateTimeOffset> Readies)> ConnectAsync(string queue)
    {
        var readies = new ConcurrentBag<DateTimeOffset>();
        var connector = _provider.GetRequiredService<IReceiveEndpointConnector>();
        var handle = connector.ConnectReceiveEndpoint(queue, (context, e) =>
        {
            e.ConfigureConsumer<PingConsumer>(context);
            e.ConnectReceiveEndpointObserver(new ReadyCounter(readies));
        });
        await handle.Ready;
        await UntilAsync(() => readies.Count == 1, "the endpoint never became ready");
        return (handle, readies);
    }

    private async Task SendAsync(string queue, int count)
    {
        var endpoint = await _harness.Bus.GetSendEndpoint(new Uri($"queue:{queue}"));
        for (var i = 0; i < count; i++)
        {
            await endpoint.Send(new Ping(i));
        }
    }

    /// <summary>Moves the clock one second at a time, letting the watchdog's loop see each tick.</summary>
    private async Task TicksAsync(int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
    }

    private static async Task UntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20);
        }
    }

    private static ReceiveEndpointFaultedEvent Faulted(IReceiveEndpoint endpoint, Exception exception) =>
        new(new ReceiveTransportFaultedEvent(endpoint.InputAddress, exception), endpoint);

    public sealed record Ping(int Number);

    public sealed class PingConsumer(ConcurrentBag<int> consumed) : IConsumer<Ping>
    {
        public Task Consume(ConsumeContext<Ping> context)
        {
            consumed.Add(context.Message.Number);
            return Task.CompletedTask;
        }
    }

    private sealed class ReadyCounter(ConcurrentBag<DateTimeOffset> readies) : IReceiveEndpointObserver
    {
        public Task Ready(ReceiveEndpointReady ready)
        {
            readies.Add(DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        }

        public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

        public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

        public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
    }
}
