using System.Text.Json;

namespace Fleet.Worker.Sdk.Testing;

/// <summary>
/// Runs a function in-process through the boundary a job crosses on the fleet, for unit tests:
/// <code>
/// var result = await FunctionTestHost.RunAsync&lt;Summarize, SummarizeInput, SummarizeOutput&gt;(input);
/// Assert.Equal(3, result.Output.Rows);
/// </code>
/// The input is written as a client writes it and read as the worker reads it (a field the record
/// lacks fails as it would on the fleet); the initializer runs once per host; the output is written
/// as the worker writes it and read back as a client reads it. A failure throws
/// <see cref="FunctionFailedException"/>; a cancelled token cancels the handler's token and throws
/// <see cref="OperationCanceledException"/>.
/// </summary>
public static class FunctionTestHost
{
    /// <summary>How the test host writes inputs and reads outputs: Fleet.Client's defaults.</summary>
    public static JsonSerializerOptions ClientJson { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>A host for several runs (the handler built and initialized once).</summary>
    public static FunctionTestHost<THandler, TInput, TOutput> Create<THandler, TInput, TOutput>(
        Action<FunctionTestOptions>? configure = null)
        where THandler : class, IJobHandler<TInput, TOutput>
    {
        var options = new FunctionTestOptions();
        configure?.Invoke(options);
        return new FunctionTestHost<THandler, TInput, TOutput>(options);
    }

    /// <summary>One run in a host of its own.</summary>
    public static async Task<FunctionTestResult<TOutput>> RunAsync<THandler, TInput, TOutput>(
        TInput input, Action<FunctionTestOptions>? configure = null, CancellationToken cancellationToken = default)
        where THandler : class, IJobHandler<TInput, TOutput>
    {
        await using var host = Create<THandler, TInput, TOutput>(configure);
        return await host.RunAsync(input, cancellationToken);
    }
}
