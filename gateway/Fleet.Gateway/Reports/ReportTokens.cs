using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Reports;

/// <summary>
/// Report tokens: base64url(HMAC-SHA256(<c>Reports:Key</c>, job id ‖ attempt)). Stateless, so any
/// gateway of the fleet checks any token in memory, in about a microsecond, without the database.
/// </summary>
public sealed class ReportTokens(IOptions<ReportOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    public string For(Guid jobId, int attempt)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Compute(jobId, attempt, mac);
        return Base64Url.EncodeToString(mac);
    }

    /// <summary>Constant-time check of a token a report claims for the attempt (no allocation, no decoding of the claim).</summary>
    public bool IsValid(Guid jobId, int attempt, string? token)
    {
        if (token is null)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Compute(jobId, attempt, mac);
        Span<char> expected = stackalloc char[Base64Url.GetEncodedLength(HMACSHA256.HashSizeInBytes)];
        Base64Url.EncodeToChars(mac, expected);
        return CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected), MemoryMarshal.AsBytes(token.AsSpan()));
    }

    private void Compute(Guid jobId, int attempt, Span<byte> mac)
    {
        Span<byte> data = stackalloc byte[20];
        jobId.TryWriteBytes(data, bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(data[16..], attempt);
        HMACSHA256.HashData(_key, data, mac);
    }
}
