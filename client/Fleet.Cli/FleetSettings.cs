using System.ComponentModel;
using Fleet.Client;
using Spectre.Console.Cli;

namespace Fleet.Cli;

/// <summary>What every job command needs: the gateway, the API key and the endpoint.</summary>
public class FleetSettings : GatewaySettings
{
    [CommandArgument(0, "<ENDPOINT>")]
    [Description("The endpoint's id, as in /v2/ENDPOINT/run.")]
    public string Endpoint { get; init; } = "";

    /// <summary>A client for the gateway these settings name.</summary>
    public FleetClient CreateClient() => FleetClient.Create(o =>
    {
        o.BaseAddress = GatewayAddress();
        o.ApiKey = ResolveApiKey();
    });
}
