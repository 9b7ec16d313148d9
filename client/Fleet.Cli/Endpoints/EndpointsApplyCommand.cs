using System.ComponentModel;
using System.Text.Json;
using Spectre.Console.Cli;

namespace Fleet.Cli.Endpoints;

/// <summary>
/// <c>fleet endpoints apply FILE</c>: creates or replaces each endpoint a JSON file defines (one definition, or
/// an array of them, each with its <c>name</c>), as PUT does: prints one line per endpoint, <c>created</c>,
/// <c>updated</c> or <c>unchanged</c> with its version. Running it twice changes nothing the second time.
/// </summary>
public sealed class EndpointsApplyCommand : AsyncCommand<EndpointsApplyCommand.Settings>
{
    public sealed class Settings : EndpointSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("A JSON file: one endpoint definition or an array of them ('-' for standard input).")]
        public string File { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var text = settings.File == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : await System.IO.File.ReadAllTextAsync(
            settings.File, cancellationToken);
        using var document = JsonDocument.Parse(text);
        var definitions = document.RootElement.ValueKind == JsonValueKind.Array
            ? document.RootElement.EnumerateArray().ToList()
            : [document.RootElement];
        var management = settings.CreateManagement();
        foreach (var definition in definitions)
        {
            var name = definition.ValueKind == JsonValueKind.Object && definition.TryGetProperty("name", out var n)
                && n.ValueKind == JsonValueKind.String
                ? n.GetString()!
                : throw new ArgumentException("Each endpoint definition needs its \"name\".");
            var answer = await management.PutEndpointAsync(name, definition, cancellationToken);
            Console.Out.WriteLine($"{name}: {answer.GetProperty("result").GetString()} (version {answer.GetProperty("version")}, "
                + $"worker version {answer.GetProperty("workerVersion")})");
        }

        return 0;
    }
}
