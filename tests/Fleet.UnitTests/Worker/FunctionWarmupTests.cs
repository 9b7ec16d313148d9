using Fleet.Contracts;
using Fleet.ServiceDefaults;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.UnitTests.Worker;

/// <summary>One-time initialization per worker: the served functions' handlers are built and initialized at start.</summary>
public sealed class FunctionWarmupTests
{
    [Fact]
    public async Task Builds_and_initializes_each_served_handler_once_and_leaves_the_others_alone()
    {
        using var provider = Worker(served: "loads-a-model", typeof(LoadsAModel), typeof(NeverServed));
        var warmup = provider.GetRequiredService<FunctionWarmup>();

        await warmup.StartAsync(CancellationToken.None);

        var handler = provider.GetRequiredService<LoadsAModel>();
        Assert.Equal(1, handler.Initializations);
        Assert.Equal(0, NeverServed.Built);
        // The worker's jobs get the same instance, already initialized.
        Assert.Equal("model v1", (await handler.HandleAsync(new Word("x"), null!, CancellationToken.None)).Value);
    }

    [Fact]
    public async Task A_failing_initializer_stops_the_worker_at_start()
    {
        using var provider = Worker(served: "cannot-load", typeof(CannotLoad));
        var warmup = provider.GetRequiredService<FunctionWarmup>();

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => warmup.StartAsync(CancellationToken.None));
        Assert.Equal("weights.bin", error.FileName);
    }

    private static ServiceProvider Worker(string served, params Type[] handlers)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOptions<FleetOptions>();
        services.AddFleetFunctions([.. handlers.Select(FunctionDeclaration.From)]);
        services.AddSingleton<EndpointCatalog>();
        services.AddSingleton<JobHandlerRegistry>();
        services.AddSingleton<IWorkerDevice, CpuWorkerDevice>();
        var key = new string('k', FleetSettings.MinKeyLength);
        services.AddSingleton(Options.Create(new WorkerOptions { Key = key, Endpoints = [served] }));
        services.AddSingleton<ServedEndpoints>();
        services.AddSingleton(sp => new FunctionWarmup(sp, sp.GetRequiredService<ServedEndpoints>(),
            sp.GetRequiredService<JobHandlerRegistry>(), NullLogger<FunctionWarmup>.Instance));
        return services.BuildServiceProvider();
    }

    internal sealed record Word(string Value);

    [FleetFunction("loads-a-model")]
    internal sealed class LoadsAModel : IJobHandler<Word, Word>, IFunctionInitializer
    {
        private string? _model;

        public int Initializations { get; private set; }

        public Task InitializeAsync(CancellationToken cancellationToken)
        {
            Initializations++;
            _model = "model v1";
            return Task.CompletedTask;
        }

        public Task<Word> HandleAsync(Word input, JobContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new Word(_model ?? "not loaded"));
    }

    [FleetFunction("never-served")]
    internal sealed class NeverServed : IJobHandler<Word, Word>, IFunctionInitializer
    {
        public NeverServed() => Built++;

        public static int Built { get; private set; }

        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<Word> HandleAsync(Word input, JobContext context, CancellationToken cancellationToken) => Task.FromResult(input);
    }

    [FleetFunction("cannot-load")]
    internal sealed class CannotLoad : IJobHandler<Word, Word>, IFunctionInitializer
    {
        public Task InitializeAsync(CancellationToken cancellationToken) => throw new FileNotFoundException("no weights", "weights.bin");

        public Task<Word> HandleAsync(Word input, JobContext context, CancellationToken cancellationToken) => Task.FromResult(input);
    }
}
