using System.Diagnostics;
using System.Text.Json;
using Fleet.IntegrationTests.Infrastructure;

namespace Fleet.IntegrationTests.Client;

/// <summary>The <c>fleet</c> command, run as a real process against the real gateway and workers.</summary>
[Collection(FleetCollection.Name)]
public sealed class CliTests(FleetFixture fleet)
{
    private const string Endpoint = FleetFixture.ClientEndpoint;

    private async Task<(int Code, string Out, string Err)> FleetAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [RepoPaths.Program("client/Fleet.Cli", "fleet"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["FLEET_GATEWAY_URL"] = fleet.Api.BaseAddress!.ToString().TrimEnd('/');
        start.Environment["FLEET_API_KEY"] = FleetFixture.ApiKey;
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"fleet {string.Join(' ', args)} did not end: {await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Run_waits_and_prints_the_output()
    {
        var (code, output, error) = await FleetAsync("run", Endpoint, "--input", """{"echo": "from the cli", "sleep_s": 0.5}""");

        Assert.True(code == 0, error);
        Assert.Equal("""{"echo":"from the cli"}""", output.Trim());
    }

    [Fact]
    public async Task Run_async_prints_the_id_and_status_waits_for_the_end()
    {
        var (_, id, _) = await FleetAsync("run", Endpoint, "--input", """{"echo": 7, "sleep_s": 1}""", "--async");

        var (code, status, error) = await FleetAsync("status", Endpoint, id.Trim(), "--wait", "20");

        Assert.True(code == 0, error);
        var document = JsonDocument.Parse(status).RootElement;
        Assert.Equal(id.Trim(), document.GetProperty("id").GetString());
        Assert.Equal("COMPLETED", document.GetProperty("status").GetString());
        Assert.Equal(7, document.GetProperty("output").GetProperty("echo").GetInt32());
    }

    [Fact]
    public async Task Run_of_a_failing_job_exits_1_with_its_error_on_stderr()
    {
        var (code, output, error) = await FleetAsync("run", Endpoint, "--input", """{"fail": "cli boom"}""");

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("cli boom", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_a_refused_input_exits_2_naming_the_field()
    {
        var (code, _, error) = await FleetAsync("run", Endpoint, "--input", """{"sleep_s": "long"}""");

        Assert.Equal(2, code);
        Assert.Contains("input.sleep_s", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_cancels_a_running_job_and_exits_1_when_it_has_ended()
    {
        var id = await fleet.SubmitAsync(Endpoint, """{"input": {"echo": 1, "sleep_s": 60}}""");

        var (code, output, _) = await FleetAsync("cancel", Endpoint, id);
        var (again, _, _) = await FleetAsync("cancel", Endpoint, id);

        Assert.Equal(0, code);
        Assert.Contains("CANCELLED", output, StringComparison.Ordinal);
        Assert.Equal("CANCELLED", (await fleet.StatusAsync(Endpoint, id)).GetProperty("status").GetString());
        Assert.Equal(1, again);
    }

    [Fact]
    public async Task Stream_prints_each_chunk_on_its_own_line()
    {
        var id = await fleet.SubmitAsync(Endpoint, """{"input": {"stream": ["a", {"b": 2}, 3]}}""");

        var (code, output, error) = await FleetAsync("stream", Endpoint, id);

        Assert.True(code == 0, error);
        Assert.Equal(["\"a\"", """{"b":2}""", "3"], Lines(output));
    }

    [Fact]
    public async Task Jobs_lists_dead_letters_and_redrive_queues_them_again()
    {
        var marker = TestClients.Marker();
        var ids = new[] { await fleet.SubmitAsync(Endpoint, $$$"""{"input": {"fail": "{{{marker}}} 1"}}"""),
            await fleet.SubmitAsync(Endpoint, $$$"""{"input": {"fail": "{{{marker}}} 2"}}""") };
        foreach (var id in ids)
        {
            await fleet.WaitForStatusAsync(Endpoint, id, "FAILED", TimeSpan.FromSeconds(30));
        }

        var (_, json, _) = await FleetAsync("jobs", Endpoint, "--status", "FAILED", "--json", "--limit", "2");
        var (code, table, error) = await FleetAsync("jobs", Endpoint, "--limit", "2");
        var (_, redriven, _) = await FleetAsync("redrive", Endpoint, "--limit", "2");

        Assert.Equal(ids.Reverse(), Lines(json).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()));
        Assert.True(code == 0, error);
        Assert.All(ids, id => Assert.Contains(id, table, StringComparison.Ordinal));
        Assert.Equal("""{"retried":2}""", redriven.Trim());
        foreach (var id in ids)
        {
            await Eventually.True(async () => (await fleet.StatusAsync(Endpoint, id)).GetProperty("attempts").GetInt32() == 2,
                TimeSpan.FromSeconds(30), () => fleet.Worker.Tail());
        }
    }

    [Fact]
    public async Task Map_prints_one_output_line_per_input_in_order_with_progress_on_stderr()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllLinesAsync(file, Enumerable.Range(0, 40).Select(i => $$"""{"echo": {{i}}, "sleep_s": {{i % 4 * 0.05}}}"""));
        try
        {
            var (code, output, error) = await FleetAsync("map", Endpoint, file, "--batch-size", "15");

            Assert.True(code == 0, error);
            Assert.Equal(Enumerable.Range(0, 40).Select(i => $$"""{"echo":{{i}}}"""), Lines(output));
            Assert.Contains("map echo-client: 40 inputs, 40 completed, 0 failed", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Map_with_return_exceptions_prints_a_failed_input_as_an_error_line_and_exits_1()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllLinesAsync(file, ["""{"echo": "a"}""", """{"fail": "line two"}""", """{"echo": "c"}"""]);
        try
        {
            var (code, output, _) = await FleetAsync("map", Endpoint, file, "--return-exceptions");

            var lines = Lines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(1, code);
            Assert.Equal([0, 1, 2], lines.Select(l => l.GetProperty("index").GetInt32()));
            Assert.Equal("c", lines[2].GetProperty("output").GetProperty("echo").GetString());
            Assert.Contains("line two", lines[1].GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal("FAILED", lines[1].GetProperty("status").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Endpoints_apply_creates_then_leaves_unchanged_and_patch_list_show_delete_manage_it()
    {
        var name = "cli-" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, $$"""[{"name": "{{name}}", "handler": "echo", "workersMax": 2}]""");
        try
        {
            var (created, createdOut, createdErr) = await FleetAsync("endpoints", "apply", file);
            var (_, againOut, _) = await FleetAsync("endpoints", "apply", file);
            var (patched, patchedOut, patchedErr) = await FleetAsync("endpoints", "patch", name, """{"workersMax": 5}""");
            var (_, listOut, _) = await FleetAsync("endpoints", "list", "--json");
            var (_, showOut, _) = await FleetAsync("endpoints", "show", name);
            var (refused, _, refusedErr) = await FleetAsync("endpoints", "patch", name, """{"workersMax": -1}""");
            var (reset, resetOut, resetErr) = await FleetAsync("endpoints", "reset", name);
            var (deleted, deletedOut, _) = await FleetAsync("endpoints", "delete", name);
            var (missing, _, missingErr) = await FleetAsync("endpoints", "show", name);

            Assert.True(created == 0, createdErr);
            Assert.Equal($"{name}: created (version 1, worker version 1)", createdOut.Trim());
            Assert.Equal($"{name}: unchanged (version 1, worker version 1)", againOut.Trim());
            Assert.True(patched == 0, patchedErr);
            Assert.Equal(5, JsonDocument.Parse(patchedOut).RootElement.GetProperty("workersMax").GetInt32());
            Assert.Contains(Lines(listOut), l => JsonDocument.Parse(l).RootElement.GetProperty("name").GetString() == name);
            Assert.Equal(2, JsonDocument.Parse(showOut).RootElement.GetProperty("version").GetInt32());
            Assert.Equal(2, refused);
            Assert.Contains("workersMax", refusedErr, StringComparison.Ordinal);
            Assert.True(reset == 0, resetErr);
            Assert.Equal($"{name}: reset (its start failures are forgotten; its workers are started again)", resetOut.Trim());
            Assert.Equal(0, deleted);
            Assert.Equal($"{name}: deleted", deletedOut.Trim());
            Assert.Equal(2, missing);
            Assert.Contains("404", missingErr, StringComparison.Ordinal);
            var (resetMissing, _, resetMissingErr) = await FleetAsync("endpoints", "reset", name);
            Assert.Equal(2, resetMissing);
            Assert.Contains("404", resetMissingErr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
