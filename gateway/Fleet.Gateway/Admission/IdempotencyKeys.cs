using System.Security.Cryptography;
using System.Text;

namespace Fleet.Gateway.Admission;

/// <summary>What the job table stores for an <c>Idempotency-Key</c>: a digest of who sent it, where, and the key.</summary>
public static class IdempotencyKeys
{
    public static string Digest(string apiKeyId, string endpointId, string key) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{apiKeyId}\n{endpointId}\n{key}")));
}
