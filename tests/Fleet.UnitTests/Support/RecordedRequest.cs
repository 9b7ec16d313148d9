namespace Fleet.UnitTests.Support;

/// <summary>A request <see cref="RecordingGateway"/> got.</summary>
public sealed record RecordedRequest(
    string Method, string Path, string? ContentType, string? Authorization, string? ContentLength, byte[] Body,
    string? PackageSignature = null);
