using System.Diagnostics;
using System.Text.Json;
using Fleet.Contracts.Jobs.Echo;
using Fleet.Worker.Cpu.Handlers;
using Fleet.Worker.Sdk;
using Fleet.Worker.Sdk.Testing;
using Microsoft.Extensions.Configuration;

namespace Fleet.UnitTests.Worker;

/// <summary>The SDK's test host: a function run in-process through the JSON boundary of a job.</summary>
public sealed class FunctionTestHostTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public async Task Runs_a_function_from_its_input_record_to_its_output_read_back()
    {
        var input = new EchoInput { Echo = Json("""{"a": [1, 2]}""") };

        var result = await FunctionTestHost.RunAsync<EchoHandler, EchoInput, EchoOutput>(input);

        Assert.Equal("""{"a":[1,2]}""", result.Output.Echo!.Value.GetRawText());
        Assert.Equal("""{"echo":{"a":[1,2]}}""", result.OutputJson.GetRawText());
        Assert.Empty(result.Progress);
        Assert.Empty(result.Chunks);
    }

    [Fact]
    public async Task Records_progress_reports_and_streamed_chunks_in_order()
    {
        var input = new EchoInput { SleepSeconds = 0.2, ProgressEverySeconds = 0.1, Stream = [Json("\"a\""), Json("2")] };

        var result = await FunctionTestHost.RunAsync<EchoHandler, EchoInput, EchoOutput>(input);

        Assert.Equal([new FunctionProgress("slept 0.1 of 0.2 s", 50), new FunctionProgress("slept 0.2 of 0.2 s", 100)], result.Progress);
        Assert.Equal(["\"a\"", "2"], result.Chunks.Select(c => c.GetRawText()));
        Assert.Equal("a", result.ChunksAs<JsonElement>()[0].GetString());
    }

    [Fact]
    public async Task A_misspelt_field_fails_permanently_as_on_the_fleet()
    {
        await using var host = FunctionTestHost.Create<EchoHandler, EchoInput, EchoOutput>();

        var error = await Assert.ThrowsAsync<FunctionFailedException>(() => host.RunJsonAsync("""{"ecoh": 1}"""));

        Assert.True(error.Permanent);
        Assert.Equal(nameof(PermanentJobException), error.ErrorType);
        Assert.Contains("ecoh", error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handler_failure_surfaces_with_its_message_and_type_and_is_not_permanent()
    {
        var error = await Assert.ThrowsAsync<FunctionFailedException>(
            () => FunctionTestHost.RunAsync<EchoHandler, EchoInput, EchoOutput>(new EchoInput { Fail = "disk on fire" }));

        Assert.Equal(("disk on fire", nameof(EchoFailureException), false, false, "FAILED"),
            (error.Error, error.ErrorType, error.Permanent, error.TimedOut, error.Status));
    }

    [Fact]
    public async Task A_cancelled_token_cancels_the_handler_promptly()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => FunctionTestHost.RunAsync<EchoHandler, EchoInput, EchoOutput>(
                new EchoInput { SleepSeconds = 30 }, cancellationToken: cancellation.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task The_execution_timeout_ends_the_run_timed_out()
    {
        var error = await Assert.ThrowsAsync<FunctionFailedException>(() => FunctionTestHost.RunAsync<EchoHandler, EchoInput, EchoOutput>(
            new EchoInput { SleepSeconds = 30 }, o => o.ExecutionTimeout = TimeSpan.FromMilliseconds(100)));

        Assert.Equal(("TIMED_OUT", "Timeout", false), (error.Status, error.ErrorType, error.Permanent));
    }

    [Fact]
    public async Task The_initializer_runs_once_per_host_before_the_first_run()
    {
        await using var host = FunctionTestHost.Create<Greet, Sentence, Count>();

        await host.RunAsync(new Sentence(["a"]));
        var second = await host.RunAsync(new Sentence(["a", "b"]));

        Assert.Equal(1, host.Handler.Initializations);
        Assert.Equal(new Count(2, "hello"), second.Output);
    }

    [Fact]
    public async Task Declared_environment_is_configuration_and_settings_override_it()
    {
        var declared = await FunctionTestHost.RunAsync<Greet, Sentence, Count>(new Sentence([]));
        var overridden = await FunctionTestHost.RunAsync<Greet, Sentence, Count>(new Sentence([]), o => o.Settings["GREETING"] = "hi");

        Assert.Equal("hello", declared.Output.Greeting);
        Assert.Equal("hi", overridden.Output.Greeting);
    }

    internal sealed record Sentence(string[] Words);

    internal sealed record Count(int Words, string? Greeting);

    [FleetFunction("greet")]
    [FleetEnv("GREETING", "hello")]
    internal sealed class Greet(IConfiguration configuration) : IJobHandler<Sentence, Count>, IFunctionInitializer
    {
        public int Initializations { get; private set; }

        public Task InitializeAsync(CancellationToken cancellationToken)
        {
            Initializations++;
            return Task.CompletedTask;
        }

        public Task<Count> HandleAsync(Sentence input, JobContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new Count(input.Words.Length, configuration["GREETING"]));
    }
}
