namespace Fleet.Gateway.Persistence;

/// <summary>
/// One piece of a package's bytes (table <c>package_chunks</c>), in order by <see cref="Index"/>: a package is
/// written and read a chunk at a time, so neither the gateway nor PostgreSQL ever holds a whole one in memory.
/// </summary>
public sealed class PackageChunkRecord
{
    public required string Sha256 { get; set; }

    public int Index { get; set; }

    public required byte[] Bytes { get; set; }
}
