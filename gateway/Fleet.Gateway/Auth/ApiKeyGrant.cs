namespace Fleet.Gateway.Auth;

/// <summary>
/// What a verified key may do: its id (never the key), its endpoints (null: all), whether it may only read,
/// and whether it may manage the fleet (<c>/v1</c>: endpoints and packages).
/// </summary>
public sealed record ApiKeyGrant(string KeyId, IReadOnlySet<string>? Endpoints, bool ReadOnly, bool Admin = false)
{
    public bool MayUse(string endpointId) => Endpoints is null || Endpoints.Contains(endpointId);
}
