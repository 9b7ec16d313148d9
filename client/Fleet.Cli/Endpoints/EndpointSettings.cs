using System.ComponentModel;
using Fleet.Client;
using Spectre.Console.Cli;

namespace Fleet.Cli.Endpoints;

/// <summary>What every <c>fleet endpoints</c> command needs: the gateway and an admin API key.</summary>
public class EndpointSettings : GatewaySettings
{
    /// <summary>The management API of the gateway these settings name.</summary>
    public FleetManagement CreateManagement() => FleetClient.Create(o =>
    {
        o.BaseAddress = GatewayAddress();
        o.ApiKey = ResolveApiKey();
    }).Management;
}

/// <summary>An endpoints command that names one endpoint.</summary>
public class NamedEndpointSettings : EndpointSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("The endpoint's name (its id, as in /v2/NAME/run).")]
    public string Name { get; init; } = "";
}
