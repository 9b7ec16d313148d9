using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Auth;

/// <summary>
/// Checks a presented key against the configured ones. Only SHA-256 digests are kept in memory,
/// and every digest is compared in constant time, so timing reveals neither a key nor which matched.
/// </summary>
public sealed class ApiKeyVerifier(IOptions<AuthOptions> options)
{
    private readonly byte[][] _digests = [.. options.Value.ApiKeys.Where(k => k.Length > 0).Select(Digest)];

    /// <summary>Accepts <c>Bearer KEY</c> (RunPod's SDK) and a raw <c>KEY</c> (RunPod's curl examples).</summary>
    public bool IsValid(string? authorization) => TryVerify(authorization, out _);

    /// <summary>
    /// Checks the key and names it by <paramref name="keyId"/>: a prefix of its digest, enough to
    /// tell keys apart (idempotency keys are per API key) without revealing the key.
    /// </summary>
    public bool TryVerify(string? authorization, out string keyId)
    {
        keyId = "";
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return false;
        }

        var key = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..] : authorization;
        var digest = Digest(key.Trim());
        var match = false;
        foreach (var known in _digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, known);
        }

        keyId = match ? Convert.ToHexString(digest, 0, 8) : "";
        return match;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
