using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet run ENDPOINT --input JSON</c>: runs a job and prints its output (or, with --async, its id).</summary>
public sealed class RunCommand : AsyncCommand<RunCommand.Settings>
{
    public sealed class Settings : FleetSettings
    {
        [CommandOption("-i|--input <JSON>")]
        [Description("The job's input, a JSON value (the 'input' of a /run body).")]
        public string Input { get; init; } = "";

        [CommandOption("--async")]
        [Description("Print the job's id once it is accepted, and do not wait for it.")]
        public bool Async { get; init; }

        public override ValidationResult Validate() =>
            TryParse(Input, out _) ? ValidationResult.Success()
                : ValidationResult.Error("--input must be a JSON value, e.g. '{\"echo\": 1}'.");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(settings.Input);
        var input = document.RootElement.Clone();
        var endpoint = settings.CreateClient().Endpoint(settings.Endpoint);
        var job = await endpoint.RunAsync(input, cancellationToken: cancellationToken);
        if (settings.Async)
        {
            Console.Out.WriteLine(job.Id);
            return 0;
        }

        // Ctrl+C cancels the job on the fleet too (the token of a wait does).
        CliOutput.Line(await job.GetResultAsync(cancellationToken));
        return 0;
    }

    private static bool TryParse(string text, out JsonElement value)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            value = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            value = default;
            return false;
        }
    }
}
