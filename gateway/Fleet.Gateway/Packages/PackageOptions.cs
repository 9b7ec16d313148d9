using System.ComponentModel.DataAnnotations;

namespace Fleet.Gateway.Packages;

/// <summary>Section <c>Packages</c>: deployed function packages.</summary>
public sealed class PackageOptions
{
    public const string Section = "Packages";

    /// <summary>
    /// The largest package an upload may store (413 past it). A published project with TorchSharp's native
    /// libraries is hundreds of MB.
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long MaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;
}
