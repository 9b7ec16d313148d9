using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Fleet.Client.Http;

namespace Fleet.Client;

/// <summary>
/// A handle on one job: its status, progress, result, stream of chunks, and cancellation.
/// <c>await job</c> gives its output, so handles gather with <see cref="Task.WhenAll{TResult}(IEnumerable{Task{TResult}})"/>
/// and <see cref="Task.WhenEach{TResult}(IEnumerable{Task{TResult}})"/> over <see cref="GetResultAsync"/>.
/// </summary>
/// <typeparam name="TOutput">The endpoint's output record.</typeparam>
/// <remarks>
/// A token passed to a call that waits for the job (<see cref="WaitAsync"/>, <see cref="GetResultAsync"/>,
/// <see cref="StreamAsync{TChunk}"/>) cancels the job on the fleet when it fires, before the call
/// throws <see cref="OperationCanceledException"/>: nobody is left to read its result. To stop
/// looking without cancelling, read <see cref="GetStatusAsync"/> with a wait.
/// </remarks>
public sealed class FleetJob<TOutput>
{
    private readonly FleetHttp _http;

    internal FleetJob(FleetHttp http, string endpointId, string id)
    {
        _http = http;
        EndpointId = endpointId;
        Id = id;
    }

    /// <summary>The job's id.</summary>
    public string Id { get; }

    /// <summary>The endpoint that runs it.</summary>
    public string EndpointId { get; }

    /// <summary>
    /// The job's status document. With <paramref name="wait"/> (at most 60 s), a Fleet gateway answers
    /// once the job has ended or the wait is over; other servers answer at once. Cancels nothing.
    /// </summary>
    public Task<FleetJobStatus> GetStatusAsync(TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
        _http.StatusAsync(EndpointId, Id, wait, cancellationToken);

    /// <summary>
    /// Waits until the job has ended and returns its final status (long polls, or polls on a timer where the server cannot).
    /// </summary>
    public Task<FleetJobStatus> WaitAsync(CancellationToken cancellationToken = default) =>
        CancelOnAbandonAsync(() => WaitUntilFinalAsync(cancellationToken), cancellationToken);

    /// <summary>
    /// Waits for the job and returns its output, read as <typeparamref name="TOutput"/>. Throws
    /// <see cref="FleetJobFailedException"/>, <see cref="FleetJobTimedOutException"/> or
    /// <see cref="FleetJobCancelledException"/> (with the job's error, attempts and id) if it ended without one.
    /// </summary>
    public async Task<TOutput> GetResultAsync(CancellationToken cancellationToken = default) =>
        OutputOf(await WaitAsync(cancellationToken));

    /// <summary>Cancels the job on the fleet; false if it had ended already.</summary>
    public Task<bool> CancelAsync(CancellationToken cancellationToken = default) => _http.CancelAsync(EndpointId, Id, cancellationToken);

    /// <summary>
    /// The chunks the job's handler streams, in order, until it ends; throws as <see cref="GetResultAsync"/> if it fails.
    /// </summary>
    public IAsyncEnumerable<JsonElement> StreamAsync(CancellationToken cancellationToken = default) =>
        StreamAsync<JsonElement>(cancellationToken);

    /// <summary>The chunks the job's handler streams, each read as <typeparamref name="TChunk"/>, in order, until it ends.</summary>
    /// <typeparam name="TChunk">The type of one chunk.</typeparam>
    public async IAsyncEnumerable<TChunk> StreamAsync<TChunk>([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var ended = false;
        try
        {
            while (!ended)
            {
                var page = await _http.StreamAsync(EndpointId, Id, cancellationToken);
                foreach (var chunk in page.Chunks)
                {
                    yield return chunk.Deserialize<TChunk>(_http.Options.JsonSerializerOptions)!;
                }

                ended = page.Status is FleetJobState.Completed or FleetJobState.Failed or FleetJobState.Cancelled or FleetJobState.TimedOut;
                if (ended && page.Status != FleetJobState.Completed)
                {
                    throw FleetJobException.For(EndpointId, await GetStatusAsync(cancellationToken: cancellationToken));
                }

                if (!ended && page.Chunks.Count == 0)
                {
                    await Task.Delay(_http.Options.StreamPollInterval, cancellationToken);
                }
            }
        }
        finally
        {
            if (!ended && cancellationToken.IsCancellationRequested)
            {
                await Abandon.JobsAsync(_http, EndpointId, [Id]);
            }
        }
    }

    /// <summary>Lets <c>await job</c> give the job's output, as <see cref="GetResultAsync"/> does.</summary>
    public TaskAwaiter<TOutput> GetAwaiter() => GetResultAsync().GetAwaiter();

    /// <inheritdoc />
    public override string ToString() => $"{EndpointId}/{Id}";

    /// <summary>The output of a final status, or the exception for an ending without one.</summary>
    internal TOutput OutputOf(FleetJobStatus status) => status.Status == FleetJobState.Completed
        ? (status.Output is { } output ? output.Deserialize<TOutput>(_http.Options.JsonSerializerOptions) : default)!
        : throw FleetJobException.For(EndpointId, status);

    private async Task<FleetJobStatus> WaitUntilFinalAsync(CancellationToken cancellationToken)
    {
        var options = _http.Options;
        while (true)
        {
            var asked = Stopwatch.GetTimestamp();
            var status = await _http.StatusAsync(EndpointId, Id, options.UseFleetRoutes ? options.LongPollWait : null, cancellationToken);
            if (status.IsFinal)
            {
                return status;
            }

            // A server that does not long-poll (RunPod) answers at once: then read again on a timer.
            if (!options.UseFleetRoutes || Stopwatch.GetElapsedTime(asked) < options.LongPollWait / 2)
            {
                await Task.Delay(options.PollInterval, cancellationToken);
            }
        }
    }

    private async Task<T> CancelOnAbandonAsync<T>(Func<Task<T>> wait, CancellationToken cancellationToken)
    {
        try
        {
            return await wait();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Abandon.JobsAsync(_http, EndpointId, [Id]);
            throw;
        }
    }
}
