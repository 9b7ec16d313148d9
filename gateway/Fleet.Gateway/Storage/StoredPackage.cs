namespace Fleet.Gateway.Storage;

/// <summary>A package as <c>packages</c> holds it: its name (sha256), size and when it was uploaded.</summary>
public sealed record StoredPackage(string Sha256, long Size, DateTimeOffset CreatedAt);
