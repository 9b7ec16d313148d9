using System.ComponentModel;
using Spectre.Console.Cli;

namespace Fleet.Cli;

/// <summary>Where the gateway is and the API key to call it with.</summary>
public class GatewaySettings : CommandSettings
{
    [CommandOption("--url <URL>")]
    [Description("The gateway's root URL (default: $FLEET_GATEWAY_URL, else http://127.0.0.1:8080).")]
    public string? Url { get; init; }

    [CommandOption("--api-key <KEY>")]
    [Description("The API key (default: $FLEET_API_KEY, else .fleet/run/api-key in this folder).")]
    public string? ApiKey { get; init; }

    public Uri GatewayAddress() => new(Url ?? Environment.GetEnvironmentVariable("FLEET_GATEWAY_URL") ?? "http://127.0.0.1:8080");

    public string? ResolveApiKey() => ApiKey ?? Environment.GetEnvironmentVariable("FLEET_API_KEY")
        ?? (File.Exists(".fleet/run/api-key") ? File.ReadAllText(".fleet/run/api-key").Trim() : null);
}
