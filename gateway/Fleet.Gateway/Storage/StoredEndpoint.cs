using Fleet.Contracts.Endpoints;

namespace Fleet.Gateway.Storage;

/// <summary>
/// An endpoint as the <c>endpoints</c> table holds it: its definition (whose <c>Version</c> is the worker
/// version), its version (every change), its function manifest entry (JSON, for a deployed function) and times.
/// </summary>
public sealed record StoredEndpoint(
    EndpointDefinition Definition, int Version, string? Manifest, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
