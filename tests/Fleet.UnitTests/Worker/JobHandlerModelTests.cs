using System.Text.Json;
using Fleet.Contracts.Jobs.Echo;
using Fleet.Worker.Cpu.Handlers;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.UnitTests.Worker;

public sealed class JobHandlerModelTests
{
    private static readonly JobContext s_context = new(Guid.NewGuid(), "echo", 1, "cpu-test", "cpu");

    private static (IServiceProvider Services, JobHandlerRegistry Registry) Build(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        var provider = services.BuildServiceProvider();
        return (provider, new JobHandlerRegistry(provider.GetServices<JobHandlerInvoker>()));
    }

    private static async Task<JsonElement> InvokeAsync(string inputJson, CancellationToken cancellationToken = default)
    {
        var (services, registry) = Build(s => s.AddJobHandler<EchoHandler>());
        Assert.True(registry.TryGet("echo", out var invoker));
        using var input = JsonDocument.Parse(inputJson);
        return await invoker.InvokeAsync(services, input.RootElement, s_context, cancellationToken);
    }

    [Fact]
    public void Registration_takes_the_handler_name_from_the_input_record()
    {
        var (_, registry) = Build(s => s.AddJobHandler<EchoHandler>());

        Assert.Equal(["echo"], registry.Handlers);
    }

    [Fact]
    public void Registration_refuses_a_type_that_is_not_a_handler()
    {
        var services = new ServiceCollection();

        Assert.Throws<InvalidOperationException>(() => services.AddJobHandler<JobHandlerModelTests>());
    }

    [Fact]
    public void Registration_refuses_an_input_without_a_handler_name()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddJobHandler<UnnamedHandler>());
        Assert.Contains("HandlerInput", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Echo_returns_its_input_value()
    {
        var output = await InvokeAsync("""{"echo": {"nested": [1, "two", null]}}""");

        Assert.Equal("""{"echo":{"nested":[1,"two",null]}}""", output.GetRawText());
    }

    [Fact]
    public async Task Echo_streams_each_chunk_in_order_and_returns_them_all()
    {
        var (services, registry) = Build(s => s.AddJobHandler<EchoHandler>());
        Assert.True(registry.TryGet("echo", out var invoker));
        var streamed = new List<(int Sequence, string Chunk)>();
        var context = new JobContext(Guid.NewGuid(), "echo", 1, "cpu-test", "cpu", (sequence, chunk, _) =>
        {
            streamed.Add((sequence, chunk.GetRawText()));
            return Task.CompletedTask;
        });
        using var input = JsonDocument.Parse("""{"stream": ["a", 2, {"c": true}]}""");

        var output = await invoker.InvokeAsync(services, input.RootElement, context, CancellationToken.None);

        Assert.Equal([(0, "\"a\""), (1, "2"), (2, """{"c":true}""")], streamed);
        Assert.Equal(3, context.StreamedChunks);
        Assert.Equal(3, output.GetProperty("stream").GetArrayLength());
    }

    [Fact]
    public async Task Echo_fail_raises_the_requested_message()
    {
        var error = await Assert.ThrowsAsync<EchoFailureException>(() => InvokeAsync("""{"fail": "disk on fire"}"""));

        Assert.Equal("disk on fire", error.Message);
    }

    [Fact]
    public async Task Echo_sleep_stops_promptly_when_cancelled()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => InvokeAsync("""{"sleep_s": 30}""", cancellation.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Input_that_does_not_match_the_record_is_a_permanent_failure()
    {
        var error = await Assert.ThrowsAsync<PermanentJobException>(() => InvokeAsync("""{"sleep_s": "later"}"""));

        Assert.Contains(nameof(EchoInput), error.Message, StringComparison.Ordinal);
    }

    private sealed record UnnamedInput(int X);

    private sealed class UnnamedHandler : IJobHandler<UnnamedInput, int>
    {
        public Task<int> HandleAsync(UnnamedInput input, JobContext context, CancellationToken cancellationToken) => Task.FromResult(input.X);
    }
}
