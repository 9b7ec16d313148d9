using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli.Endpoints;

/// <summary><c>fleet endpoints list</c>: every endpoint, as a table or as JSON lines.</summary>
public sealed class EndpointsListCommand : AsyncCommand<EndpointsListCommand.Settings>
{
    public sealed class Settings : EndpointSettings
    {
        [CommandOption("--json")]
        [Description("Print each endpoint as a JSON line instead of a table.")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var endpoints = await settings.CreateManagement().ListEndpointsAsync(cancellationToken);
        if (settings.Json)
        {
            endpoints.ToList().ForEach(CliOutput.Line);
            return 0;
        }

        var table = new Table().AddColumns("name", "handler", "compute", "workers", "per worker", "idle", "scaler", "version", "starts");
        foreach (var e in endpoints)
        {
            table.AddRow(Markup.Escape(Text(e, "name")), Markup.Escape(Text(e, "handler")), Text(e, "computeType"),
                $"{Text(e, "workersMin")}-{Text(e, "workersMax")}", Text(e, "concurrencyPerWorker"), $"{Text(e, "idleTimeout")} s",
                $"{Text(e, "scalerType")} {Text(e, "scalerValue")}", $"{Text(e, "version")} (workers {Text(e, "workerVersion")})",
                Starts(e));
        }

        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>"ok", "N failed" while the autoscaler still tries, "failing (N failed)" once it gave up.</summary>
    private static string Starts(System.Text.Json.JsonElement endpoint) =>
        endpoint.TryGetProperty("startFailures", out var f) && f.ValueKind == System.Text.Json.JsonValueKind.Object
            ? (f.GetProperty("tripped").GetBoolean() ? "[red]failing[/] " : "") + $"({f.GetProperty("count").GetInt32()} failed)"
            : "ok";

    private static string Text(System.Text.Json.JsonElement endpoint, string field) =>
        endpoint.TryGetProperty(field, out var value) ? value.ToString() : "";
}
