using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Fleet.Contracts.Functions;

/// <summary>
/// What lets a worker host fetch a package from the gateway without an API key or database credentials:
/// base64url(HMAC-SHA256(worker key, "package:" + sha256)), sent as <see cref="Header"/>. Whoever holds the
/// workers' key (<c>Worker:Key</c>; the autoscaler gives it to the workers it starts) may read packages, and
/// only read them; a signature names one package, so one that leaks opens that package alone.
/// </summary>
public static class PackageSignature
{
    public const string Header = "X-Fleet-Package-Signature";

    public static string Sign(string sha256, string workerKey)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(workerKey), Encoding.UTF8.GetBytes("package:" + sha256), mac);
        return Base64Url.EncodeToString(mac);
    }

    public static bool IsValid(string sha256, string? signature, string workerKey) =>
        signature is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(signature), Encoding.UTF8.GetBytes(Sign(sha256, workerKey)));
}
