namespace Fleet.Gateway.Persistence;

/// <summary>
/// A deployed package (table <c>packages</c>): a function project's published output as one zip, named by the
/// sha256 of its bytes, which are kept in <see cref="PackageChunkRecord"/>s. Written by <c>PackageStore</c> only.
/// </summary>
public sealed class PackageRecord
{
    /// <summary>Lowercase hex sha256 of the zip.</summary>
    public required string Sha256 { get; set; }

    public long Size { get; set; }

    public int Chunks { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
