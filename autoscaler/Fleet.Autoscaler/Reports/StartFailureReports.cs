using Fleet.Autoscaler.Scaling;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Messages;
using Fleet.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Fleet.Autoscaler.Reports;

/// <summary>
/// The autoscaler's side of failed starts: counts them (<see cref="StartFailureBreaker"/>) and publishes the reports to
/// the gateways, signed with the workers' key (the autoscaler publishes with the workers' broker user). In the
/// background: a broker that is slow or down never holds up a scaling decision; a report that cannot be sent is logged,
/// and the next one carries the count anyway.
/// </summary>
public sealed class StartFailureReports(
    IBus bus, IOptions<AutoscalerOptions> options, TimeProvider time, ILogger<StartFailureReports> log)
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);
    private readonly StartFailureBreaker _breaker = new(options.Value.MaxStartFailures, time);

    /// <summary>A worker of the endpoint's <paramref name="version"/> failed before it was ready, for <paramref name="error"/>.</summary>
    public void Failed(string endpointId, int version, string error)
    {
        if (_breaker.Failed(endpointId, version, error) is { } report)
        {
            Publish(report);
        }
    }

    /// <summary>A worker of the endpoint's <paramref name="version"/> is ready (heartbeating).</summary>
    public void Ready(string endpointId, int version)
    {
        if (_breaker.Ready(endpointId, version) is { } report)
        {
            Publish(report);
        }
    }

    /// <inheritdoc cref="StartFailureBreaker.Blocked"/>
    public string? Blocked(EndpointDefinition endpoint) => _breaker.Blocked(endpoint);

    private void Publish(WorkerStartsFailed report)
    {
        if (report.ConsecutiveFailures == 0)
        {
            log.LogInformation("{Endpoint} version {Version}: a worker became ready after failed starts", report.EndpointId,
                report.WorkerVersion);
        }
        else
        {
            log.Log(report.Tripped ? LogLevel.Error : LogLevel.Warning,
                "{Endpoint} version {Version}: start {Count} in a row failed{Tripped}: {Error}", report.EndpointId, report.WorkerVersion,
                report.ConsecutiveFailures, report.Tripped ? " (no more are started until a new version or a reset)" : "",
                report.LastError);
        }

        _ = SendAsync(StartFailureSignature.Signed(report, options.Value.WorkerKey));
    }

    private async Task SendAsync(WorkerStartsFailed report)
    {
        try
        {
            using var timeout = new CancellationTokenSource(SendTimeout);
            await bus.Publish(report, timeout.Token);
        }
        catch (Exception e)
        {
            log.LogWarning("The start-failure report of {Endpoint} version {Version} could not be published: {Error}", report.EndpointId,
                report.WorkerVersion, e.Message);
        }
    }
}
