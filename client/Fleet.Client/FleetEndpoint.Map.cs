using System.Runtime.CompilerServices;
using System.Text.Json;
using Fleet.Client.Http;
using Fleet.Client.Mapping;

namespace Fleet.Client;

/// <summary>Map and starmap: many inputs through one endpoint, results as they are ready.</summary>
public sealed partial class FleetEndpoint<TInput, TOutput>
{
    /// <summary>
    /// Runs the endpoint once per input and yields the outputs (in input order by default, see
    /// <see cref="FleetMapOptions.Order"/>). Throws at the first input whose job ends without output
    /// (or whose input is refused), and cancels the jobs still in flight. Inputs are submitted in
    /// batches and watched with long polls where the server has Fleet's batch routes, else one
    /// request per job. Cancelling the token cancels the jobs in flight.
    /// </summary>
    public IAsyncEnumerable<TOutput> MapAsync(
        IEnumerable<TInput> inputs, FleetMapOptions? options = null, CancellationToken cancellationToken = default) =>
        MapAsync(inputs.ToAsyncEnumerable(), options, cancellationToken);

    /// <inheritdoc cref="MapAsync(IEnumerable{TInput}, FleetMapOptions?, CancellationToken)"/>
    public async IAsyncEnumerable<TOutput> MapAsync(
        IAsyncEnumerable<TInput> inputs, FleetMapOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var result in MapResultsAsync(inputs, options, cancellationToken))
        {
            yield return result.GetOutputOrThrow();
        }
    }

    /// <summary>
    /// As <see cref="MapAsync(IEnumerable{TInput}, FleetMapOptions?, CancellationToken)"/>, but a job
    /// that ends without output, or an input the server refuses, is a result carrying its exception
    /// rather than a throw (Modal's <c>return_exceptions</c>); every input gets its result.
    /// </summary>
    public IAsyncEnumerable<FleetMapResult<TOutput>> MapResultsAsync(
        IEnumerable<TInput> inputs, FleetMapOptions? options = null, CancellationToken cancellationToken = default) =>
        MapResultsAsync(inputs.ToAsyncEnumerable(), options, cancellationToken);

    /// <inheritdoc cref="MapResultsAsync(IEnumerable{TInput}, FleetMapOptions?, CancellationToken)"/>
    public async IAsyncEnumerable<FleetMapResult<TOutput>> MapResultsAsync(
        IAsyncEnumerable<TInput> inputs, FleetMapOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new FleetMapOptions();
        if (options.MaxInFlight < 1 || options.BatchSize is < 1 or > JobMapper.MaxPollIds)
        {
            throw new ArgumentException($"MaxInFlight must be at least 1 and BatchSize from 1 to {JobMapper.MaxPollIds}.", nameof(options));
        }

        var json = _http.Options.JsonSerializerOptions;
        var key = options.Run?.IdempotencyKey ?? Guid.NewGuid().ToString("N");
        var requests = inputs.Select((input, index) => JobRequest.Create(input, options.Run, $"{key}-{index}", json));
        var settings = new MapSettings(options.Order, options.MaxInFlight, options.BatchSize, _http.Options.LongPollWait);
        await foreach (var outcome in JobMapper.RunAsync(requests, new FleetMapTransport(_http, Id, _routes), settings, cancellationToken))
        {
            yield return ResultOf(outcome);
        }
    }

    /// <summary>
    /// Map over argument pairs: the input of each job is built from one pair by <paramref name="input"/>
    /// (Modal's and Runhouse's <c>starmap</c>).
    /// </summary>
    public IAsyncEnumerable<TOutput> StarMapAsync<T1, T2>(
        IEnumerable<(T1, T2)> arguments, Func<T1, T2, TInput> input, FleetMapOptions? options = null,
        CancellationToken cancellationToken = default) =>
        MapAsync(arguments.Select(a => input(a.Item1, a.Item2)), options, cancellationToken);

    /// <summary>Map over argument triples, as <see cref="StarMapAsync{T1, T2}"/>.</summary>
    public IAsyncEnumerable<TOutput> StarMapAsync<T1, T2, T3>(
        IEnumerable<(T1, T2, T3)> arguments, Func<T1, T2, T3, TInput> input, FleetMapOptions? options = null,
        CancellationToken cancellationToken = default) =>
        MapAsync(arguments.Select(a => input(a.Item1, a.Item2, a.Item3)), options, cancellationToken);

    private FleetMapResult<TOutput> ResultOf(MapOutcome outcome)
    {
        if (outcome.Status is not { } status)
        {
            return new FleetMapResult<TOutput> { Index = outcome.Index, JobId = outcome.JobId, Exception = outcome.Error };
        }

        try
        {
            return new FleetMapResult<TOutput> { Index = outcome.Index, JobId = outcome.JobId, Output = Job(status.Id).OutputOf(status) };
        }
        catch (Exception e) when (e is FleetJobException or JsonException)
        {
            return new FleetMapResult<TOutput> { Index = outcome.Index, JobId = outcome.JobId, Exception = e };
        }
    }
}
