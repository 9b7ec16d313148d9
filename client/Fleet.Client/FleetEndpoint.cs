using Fleet.Client.Http;
using Fleet.Client.Mapping;

namespace Fleet.Client;

/// <summary>
/// A handle on one endpoint, typed by its input and output records: run a job and get a handle,
/// run and wait, map over many inputs; and the endpoint's operations (health, dead letters).
/// </summary>
/// <typeparam name="TInput">The record the endpoint's handler takes, written as the job's <c>input</c>.</typeparam>
/// <typeparam name="TOutput">The record it returns, read from the job's <c>output</c>.</typeparam>
public sealed partial class FleetEndpoint<TInput, TOutput>
{
    private readonly FleetHttp _http;
    private readonly RouteSupport _routes;

    internal FleetEndpoint(FleetHttp http, string id, RouteSupport routes)
    {
        _http = http;
        _routes = routes;
        Id = id;
    }

    /// <summary>The endpoint's id, as in <c>/v2/{id}/run</c>.</summary>
    public string Id { get; }

    /// <summary>
    /// Submits a job (<c>POST /run</c>, with an idempotency key, so the client's own retries never
    /// make a second job) and returns its handle once the fleet has accepted it.
    /// </summary>
    public async Task<FleetJob<TOutput>> RunAsync(
        TInput input, FleetRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = JobRequest.Create(input, options, options?.IdempotencyKey ?? Guid.NewGuid().ToString("N"),
            _http.Options.JsonSerializerOptions);
        return Job(await _http.RunAsync(Id, request, cancellationToken));
    }

    /// <summary>
    /// Runs a job and returns its output, as a local call would: <c>var y = await f.RunSyncAsync(x)</c>.
    /// Throws a <see cref="FleetJobException"/> if the job ends without output. Cancelling the token
    /// cancels the job on the fleet.
    /// </summary>
    /// <remarks>
    /// Submits with <c>/run</c> and waits with long polls rather than <c>/runsync</c>, so the job's id is known from the start and a
    /// cancelled caller can always cancel it.
    /// </remarks>
    public async Task<TOutput> RunSyncAsync(TInput input, FleetRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var job = await RunAsync(input, options, cancellationToken);
        return await job.GetResultAsync(cancellationToken);
    }

    /// <summary>A handle on a job of this endpoint already submitted (by id).</summary>
    public FleetJob<TOutput> Job(string jobId) => new(_http, Id, jobId);

    /// <summary>The endpoint's job and worker counts (<c>GET /health</c>).</summary>
    public Task<FleetEndpointHealth> GetHealthAsync(CancellationToken cancellationToken = default) =>
        _http.HealthAsync(Id, cancellationToken);

    /// <summary>
    /// A page of the endpoint's dead letters, newest first (Fleet: <c>GET /jobs</c>): jobs in
    /// <paramref name="states"/> (FAILED and TIMED_OUT when null), after the job <paramref name="before"/>.
    /// </summary>
    public Task<FleetJobPage> ListJobsAsync(
        IReadOnlyCollection<FleetJobState>? states = null, int limit = 100, string? before = null,
        CancellationToken cancellationToken = default) =>
        _http.ListJobsAsync(Id, states, limit, before, cancellationToken);

    /// <summary>Queues up to <paramref name="limit"/> dead letters again (Fleet: <c>POST /redrive</c>); returns how many.</summary>
    public Task<int> RedriveAsync(
        IReadOnlyCollection<FleetJobState>? states = null, int limit = 100, CancellationToken cancellationToken = default) =>
        _http.RedriveAsync(Id, states, limit, cancellationToken);

    /// <summary>Cancels every queued job of the endpoint (<c>POST /purge-queue</c>); returns how many.</summary>
    public Task<int> PurgeQueueAsync(CancellationToken cancellationToken = default) => _http.PurgeQueueAsync(Id, cancellationToken);
}
