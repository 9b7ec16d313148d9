using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Worker.Sdk.Testing;

/// <summary>
/// A function's handler in a host of its own (see <see cref="FunctionTestHost"/>): built with the
/// services and configuration of <see cref="FunctionTestOptions"/>, initialized before its first run.
/// </summary>
public sealed class FunctionTestHost<THandler, TInput, TOutput> : IAsyncDisposable
    where THandler : class, IJobHandler<TInput, TOutput>
{
    private readonly ServiceProvider _services;
    private readonly JobHandlerInvoker _invoker;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim _initializing = new(1, 1);
    private bool _initialized;

    internal FunctionTestHost(FunctionTestOptions options)
    {
        var function = typeof(THandler).IsDefined(typeof(FleetFunctionAttribute), inherit: false)
            ? FunctionDeclaration.From(typeof(THandler))
            : null;
        // The declared environment as configuration, as a worker started by hand has it.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(FunctionDeclaration.EnvironmentDefaults(function is null ? [] : [function]))
            .AddInMemoryCollection(options.Settings)
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        options.Services?.Invoke(services, configuration);
        services.AddJobHandler<THandler>();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _invoker = _services.GetServices<JobHandlerInvoker>().Last();
        _timeout = options.ExecutionTimeout ?? TimeSpan.FromMilliseconds(function?.Function.ExecutionTimeoutMs ?? 600_000);
    }

    public IServiceProvider Services => _services;

    /// <summary>The handler, as every run of this host uses it.</summary>
    public THandler Handler => _services.GetRequiredService<THandler>();

    /// <summary>Runs the handler on <paramref name="input"/>, written as a client would send it.</summary>
    public Task<FunctionTestResult<TOutput>> RunAsync(TInput input, CancellationToken cancellationToken = default) =>
        RunJsonAsync(JsonSerializer.Serialize(input, FunctionTestHost.ClientJson), cancellationToken);

    /// <summary>Runs the handler on a job's <c>input</c> as JSON text: a misspelt or extra field fails here as on the fleet.</summary>
    public async Task<FunctionTestResult<TOutput>> RunJsonAsync(string inputJson, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken);
        using var input = JsonDocument.Parse(inputJson);
        var progress = new List<FunctionProgress>();
        var chunks = new List<JsonElement>();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(_timeout);
        var device = _services.GetService<IWorkerDevice>()?.Name ?? "cpu";
        var context = new JobContext(Guid.NewGuid(), _invoker.Handler, attempt: 1, workerId: "test-host", device,
            (_, chunk, _) =>
            {
                lock (chunks)
                {
                    chunks.Add(chunk.Clone());
                }

                return Task.CompletedTask;
            },
            (message, percent, _) =>
            {
                // As on a worker, each report starts the execution timeout again.
                attempt.CancelAfter(_timeout);
                lock (progress)
                {
                    progress.Add(new FunctionProgress(message, percent));
                }

                return Task.CompletedTask;
            });
        JsonElement output;
        try
        {
            output = await _invoker.InvokeAsync(_services, input.RootElement, context, attempt.Token);
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new FunctionFailedException($"execution timeout of {_timeout.TotalMilliseconds:0} ms exceeded", "Timeout",
                permanent: false, timedOut: true, progress, chunks, inner: null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new FunctionFailedException(
                e.Message, e.GetType().Name, e is PermanentJobException, timedOut: false, progress, chunks, e);
        }

        return new FunctionTestResult<TOutput>(output.Deserialize<TOutput>(FunctionTestHost.ClientJson)!, output, progress, chunks);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _initializing.Dispose();
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initializing.WaitAsync(cancellationToken);
        try
        {
            if (!_initialized)
            {
                await _invoker.InitializeAsync(_services, cancellationToken);
                _initialized = true;
            }
        }
        finally
        {
            _initializing.Release();
        }
    }
}
