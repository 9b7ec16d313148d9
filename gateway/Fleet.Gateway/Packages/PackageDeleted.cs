using System.Text.Json.Serialization;

namespace Fleet.Gateway.Packages;

/// <summary>The answer to <c>DELETE /v1/packages/{sha256}</c>.</summary>
public sealed record PackageDeleted(
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("deleted")] bool Deleted);
