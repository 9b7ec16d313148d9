namespace Fleet.Gateway.Auth;

/// <summary>What a verified key may do: its id (never the key), its endpoints (null: all), whether it may only read.</summary>
public sealed record ApiKeyGrant(string KeyId, IReadOnlySet<string>? Endpoints, bool ReadOnly)
{
    public bool MayUse(string endpointId) => Endpoints is null || Endpoints.Contains(endpointId);
}
