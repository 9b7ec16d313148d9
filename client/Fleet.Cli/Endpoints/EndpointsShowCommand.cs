using Spectre.Console.Cli;

namespace Fleet.Cli.Endpoints;

/// <summary><c>fleet endpoints show NAME</c>: the endpoint's document, indented, on stdout.</summary>
public sealed class EndpointsShowCommand : AsyncCommand<NamedEndpointSettings>
{
    public override async Task<int> ExecuteAsync(
        CommandContext context, NamedEndpointSettings settings, CancellationToken cancellationToken)
    {
        CliOutput.Document(await settings.CreateManagement().GetEndpointAsync(settings.Name, cancellationToken));
        return 0;
    }
}
