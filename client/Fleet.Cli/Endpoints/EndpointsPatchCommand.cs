using System.ComponentModel;
using System.Text.Json;
using Spectre.Console.Cli;

namespace Fleet.Cli.Endpoints;

/// <summary><c>fleet endpoints patch NAME JSON</c>: changes the fields given, prints the endpoint as it is now.</summary>
public sealed class EndpointsPatchCommand : AsyncCommand<EndpointsPatchCommand.Settings>
{
    public sealed class Settings : NamedEndpointSettings
    {
        [CommandArgument(1, "<CHANGES>")]
        [Description("The fields to change, as a JSON object: '{\"workersMax\": 4}'.")]
        public string Changes { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var changes = JsonDocument.Parse(settings.Changes);
        CliOutput.Document(await settings.CreateManagement().PatchEndpointAsync(settings.Name, changes.RootElement, cancellationToken));
        return 0;
    }
}
