using System.Buffers;

namespace Fleet.Contracts.Endpoints;

/// <summary>
/// What an endpoint's <c>env</c> may hold (RunPod's environment variables for its workers). Fleet starts its
/// workers with settings of its own in the environment (broker credentials, heartbeat key, worker id, endpoints
/// file, .NET's host settings); an endpoint's entry must never replace one of them, so names under these prefixes
/// are refused by the gateway and skipped by the autoscaler. Compared ignoring case, as .NET's configuration reads
/// environment variables (<c>worker__key</c> is <c>Worker:Key</c>).
/// </summary>
public static class EndpointEnvironment
{
    /// <summary>Prefixes of names that Fleet's processes, .NET or the loader read.</summary>
    public static readonly IReadOnlyList<string> ReservedPrefixes =
    [
        "FLEET_", // FLEET_ENDPOINTS_FILE, FLEET_WORKER_VERSION, and the Fleet__ section (the endpoints themselves)
        "Worker__", "RabbitMq__", "ConnectionStrings__", "Autoscaler__", "Gpu__", "Auth__", "Reports__", "Leases__",
        "Webhooks__", "Kestrel__", "DOTNET_", "ASPNETCORE_", "CORECLR_", "COMPlus_", "LD_",
    ];

    /// <summary>Whole names reserved: the worker program is found through <c>PATH</c>; <c>Urls</c> is a host setting.</summary>
    public static readonly IReadOnlyList<string> ReservedNames = ["PATH", "Urls"];

    public const int MaxNameLength = 128;

    private static readonly SearchValues<char> s_nameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    /// <summary>Why <paramref name="name"/>=<paramref name="value"/> cannot be given to an endpoint's workers; null when it can.</summary>
    public static string? Problem(string name, string value)
    {
        if (name.Length is 0 or > MaxNameLength || name.AsSpan().ContainsAnyExcept(s_nameChars) || char.IsAsciiDigit(name[0]))
        {
            return $"must be 1-{MaxNameLength} letters, digits or '_', not starting with a digit";
        }

        if (ReservedNames.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            || ReservedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            return "is reserved for Fleet's own settings (" + string.Join(", ", ReservedPrefixes.Select(p => p + "*").Concat(ReservedNames))
                + ")";
        }

        return value.Contains('\0', StringComparison.Ordinal) ? "must not contain NUL" : null;
    }
}
