using MassTransit;

namespace Fleet.ServiceDefaults;

/// <summary>What <see cref="ReceiveEndpointWatchdog"/> knows of one receive endpoint (its events come on any thread).</summary>
internal sealed class WatchedEndpoint(Uri address, IReceiveEndpoint receiver, DateTimeOffset now)
{
    private readonly Lock _lock = new();

    public Uri Address { get; } = address;

    public IReceiveEndpoint Receiver { get; } = receiver;

    /// <summary>The queue's name, for the logs.</summary>
    public string Queue { get; } = address.AbsolutePath.Split('/')[^1];

    public DateTimeOffset ReadySince { get; private set; } = now;

    /// <summary>When it lost its consumer; null while it consumes.</summary>
    public DateTimeOffset? DownSince { get; private set; }

    public string? LastFault { get; set; }

    public DateTimeOffset LastRestart { get; set; } = DateTimeOffset.MinValue;

    public int Restarts { get; set; }

    /// <summary>Stopped by its owner: not to be restarted.</summary>
    public volatile bool Stopped;

    /// <summary>A restart is under way.</summary>
    public volatile bool Restarting;

    public void WentDown(DateTimeOffset at)
    {
        lock (_lock)
        {
            DownSince ??= at;
        }
    }

    /// <returns>How long it was without its consumer and how often it was restarted meanwhile; null if it was not down.</returns>
    public (TimeSpan Down, int Restarts)? BecameReady(DateTimeOffset at)
    {
        lock (_lock)
        {
            var outage = DownSince is { } down ? (at - down, Restarts) : ((TimeSpan, int)?)null;
            ReadySince = at;
            DownSince = null;
            LastFault = null;
            Restarts = 0;
            return outage;
        }
    }
}
