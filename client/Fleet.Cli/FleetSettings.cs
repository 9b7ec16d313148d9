using System.ComponentModel;
using Fleet.Client;
using Spectre.Console.Cli;

namespace Fleet.Cli;

/// <summary>What every command needs: the gateway, the API key and the endpoint.</summary>
public class FleetSettings : CommandSettings
{
    [CommandArgument(0, "<ENDPOINT>")]
    [Description("The endpoint's id, as in /v2/ENDPOINT/run.")]
    public string Endpoint { get; init; } = "";

    [CommandOption("--url <URL>")]
    [Description("The gateway's root URL (default: $FLEET_GATEWAY_URL, else http://127.0.0.1:8080).")]
    public string? Url { get; init; }

    [CommandOption("--api-key <KEY>")]
    [Description("The API key (default: $FLEET_API_KEY, else .fleet/run/api-key in this folder).")]
    public string? ApiKey { get; init; }

    /// <summary>A client for the gateway these settings name.</summary>
    public FleetClient CreateClient() => FleetClient.Create(o =>
    {
        o.BaseAddress = new Uri(Url ?? Environment.GetEnvironmentVariable("FLEET_GATEWAY_URL") ?? "http://127.0.0.1:8080");
        o.ApiKey = ApiKey ?? Environment.GetEnvironmentVariable("FLEET_API_KEY")
            ?? (File.Exists(".fleet/run/api-key") ? File.ReadAllText(".fleet/run/api-key").Trim() : null);
    });
}
