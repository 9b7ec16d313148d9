using System.Text.Json.Serialization;

namespace Fleet.Contracts.Functions;

/// <summary>
/// The answer to <c>PUT /v1/endpoints/{name}</c>: <c>created</c>, <c>updated</c> (a new version of the
/// endpoint) or <c>unchanged</c> (same settings and package: nothing changed), see <see cref="DeploymentResults"/>.
/// </summary>
public sealed record EndpointDeploymentResult
{
    [JsonPropertyName("result")]
    public string Result { get; init; } = "";

    /// <summary>The endpoint's version after the call, where the gateway numbers them.</summary>
    [JsonPropertyName("version")]
    public long? Version { get; init; }
}
