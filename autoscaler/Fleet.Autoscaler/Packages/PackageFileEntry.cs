namespace Fleet.Autoscaler.Packages;

/// <summary>One file of an extracted package as its list records it, to find a damaged copy.</summary>
public sealed record PackageFileEntry(long Size, string Sha256);
