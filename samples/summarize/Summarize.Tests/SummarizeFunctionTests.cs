using System.Text.Json;
using Fleet.Worker.Sdk.Testing;
using Xunit;

namespace Summarize.Tests;

/// <summary>The function run by the SDK's test host, through the same JSON a job carries on the fleet.</summary>
public sealed class SummarizeFunctionTests
{
    private static Dictionary<string, JsonElement> Row(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Fact]
    public async Task Counts_rows_lists_columns_and_averages_the_numeric_ones()
    {
        var input = new SummarizeInput
        {
            Rows =
            [
                Row("""{"city": "Oslo", "temp": 3.5, "rain": 1}"""),
                Row("""{"city": "Rome", "temp": 14.5}"""),
                Row("""{"city": "Lima", "temp": 19, "rain": null}"""),
            ],
        };

        var result = await FunctionTestHost.RunAsync<SummarizeFunction, SummarizeInput, SummarizeOutput>(input);

        Assert.Equal(3, result.Output.Rows);
        Assert.Equal(["city", "temp", "rain"], result.Output.Columns);
        Assert.Equal(new Dictionary<string, int> { ["city"] = 3, ["temp"] = 3, ["rain"] = 1 }, result.Output.Counts);
        Assert.Equal(12.333, result.Output.Means["temp"], precision: 3);
        Assert.Equal(1, result.Output.Means["rain"]);
        Assert.False(result.Output.Means.ContainsKey("city"));
    }

    [Fact]
    public async Task Reports_progress_on_large_inputs()
    {
        var input = new SummarizeInput { Rows = [.. Enumerable.Range(0, 20_000).Select(i => Row($$"""{"x": {{i}}}"""))] };

        var result = await FunctionTestHost.RunAsync<SummarizeFunction, SummarizeInput, SummarizeOutput>(input);

        Assert.Equal([50.0, 100.0], result.Progress.Select(p => p.Percent!.Value));
        Assert.Equal(9_999.5, result.Output.Means["x"]);
    }

    [Fact]
    public async Task No_rows_fail_permanently()
    {
        var error = await Assert.ThrowsAsync<FunctionFailedException>(
            () => FunctionTestHost.RunAsync<SummarizeFunction, SummarizeInput, SummarizeOutput>(new SummarizeInput()));

        Assert.True(error.Permanent);
        Assert.Contains("at least one record", error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_field_fails_as_it_would_on_the_fleet()
    {
        await using var host = FunctionTestHost.Create<SummarizeFunction, SummarizeInput, SummarizeOutput>();

        var error = await Assert.ThrowsAsync<FunctionFailedException>(() => host.RunJsonAsync("""{"row": [{"a": 1}]}"""));

        Assert.True(error.Permanent);
        Assert.Contains("row", error.Error, StringComparison.Ordinal);
    }
}
