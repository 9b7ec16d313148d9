using System.Text.Json.Serialization;
using Fleet.Gateway.Storage;

namespace Fleet.Gateway.Packages;

/// <summary>A package as <c>/v1/packages</c> answers it; after an upload with <c>result</c>: <c>created</c> or <c>unchanged</c>.</summary>
public sealed record PackageAnswer(
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("result"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Result = null)
{
    public static PackageAnswer Of(StoredPackage package) => new(package.Sha256, package.Size, package.CreatedAt);
}
