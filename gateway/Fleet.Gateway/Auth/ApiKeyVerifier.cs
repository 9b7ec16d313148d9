using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Auth;

/// <summary>
/// Checks a presented key. Keys live in the <c>api_keys</c> table as SHA-256 digests (loaded into
/// memory every few seconds by <see cref="ApiKeyCache"/>, so a request costs no query and a
/// revocation takes effect within seconds). The keys in configuration (<c>Auth:ApiKeys</c>) are
/// bootstrap keys with every right. Only digests are held; keys are never logged.
/// </summary>
public sealed class ApiKeyVerifier(IOptions<AuthOptions> options)
{
    private readonly byte[][] _configured = [.. options.Value.ApiKeys.Where(k => k.Length > 0).Select(Digest)];
    private volatile FrozenDictionary<string, ApiKeyGrant> _stored = FrozenDictionary<string, ApiKeyGrant>.Empty;

    public bool IsValid(string? authorization) => TryVerify(authorization, out _);

    /// <summary>Accepts <c>Bearer KEY</c> (RunPod's SDK) and a raw <c>KEY</c> (RunPod's curl examples).</summary>
    public bool TryVerify(string? authorization, out ApiKeyGrant grant)
    {
        grant = null!;
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return false;
        }

        var key = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..] : authorization;
        var digest = Digest(key.Trim());
        var configured = false;
        foreach (var known in _configured)
        {
            configured |= CryptographicOperations.FixedTimeEquals(digest, known);
        }

        var id = Convert.ToHexString(digest);
        if (configured)
        {
            grant = new ApiKeyGrant(id[..16], null, ReadOnly: false, Admin: true);
            return true;
        }

        // A lookup by digest: what timing could reveal is about the digest, not the key.
        if (_stored.TryGetValue(id, out var stored))
        {
            grant = stored;
            return true;
        }

        return false;
    }

    /// <summary>Replaces the stored keys (active ones only), keyed by the hex digest.</summary>
    public void Load(IReadOnlyDictionary<string, ApiKeyGrant> active) => _stored = active.ToFrozenDictionary(StringComparer.Ordinal);

    public static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
