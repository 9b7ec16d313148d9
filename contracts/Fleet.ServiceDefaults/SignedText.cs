using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fleet.ServiceDefaults;

/// <summary>
/// The canonical text a signed message is signed over, and its HMAC: each field written as its length, a colon
/// and its invariant text, so no value can spill into the next (a null has no length at all, so it differs from
/// an empty one). What <see cref="HeartbeatSignature"/> and <see cref="StartFailureSignature"/> share.
/// </summary>
internal sealed class SignedText
{
    private readonly StringBuilder _text = new(256);

    public SignedText Field(long? value) => Field(value?.ToString(CultureInfo.InvariantCulture));

    public SignedText Field(string? value)
    {
        _text.Append(value is null ? "-" : value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append(';');
        return this;
    }

    /// <summary>base64url(HMAC-SHA256(key, text)).</summary>
    public string Sign(string key)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(_text.ToString()), mac);
        return Base64Url.EncodeToString(mac);
    }

    /// <summary>Whether <paramref name="signature"/> is this text's under <paramref name="key"/> (constant time).</summary>
    public bool Verifies(string? signature, string key) =>
        signature is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(signature), Encoding.UTF8.GetBytes(Sign(key)));
}
