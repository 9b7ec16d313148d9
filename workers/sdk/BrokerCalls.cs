namespace Fleet.Worker.Sdk;

/// <summary>
/// Every wait of the worker on the broker is bounded. When the connection drops, RabbitMQ.Client
/// 7.2 can leave a publisher confirm pending for ever (MassTransit disposes the channel before the
/// client's shutdown fails the channel's pending confirms, and a disposed channel skips that step),
/// so a publish that is awaited without a limit may never end, and neither does what waits for it.
/// </summary>
internal static class BrokerCalls
{
    /// <summary>How long one publish or send may wait for the broker's confirm.</summary>
    public static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs a publish or send with a token that fires after <paramref name="timeout"/> (or with
    /// <paramref name="cancellationToken"/>), and stops waiting for it after twice that even if it
    /// misses its token.
    /// </summary>
    public static async Task ConfirmedAsync(Func<CancellationToken, Task> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        await call(limit.Token).WaitAsync(timeout + timeout, cancellationToken);
    }
}
