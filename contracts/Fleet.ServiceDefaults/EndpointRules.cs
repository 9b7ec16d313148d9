using System.Buffers;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;

namespace Fleet.ServiceDefaults;

/// <summary>
/// What makes an endpoint definition valid, for the endpoints file and the management API alike. Each
/// problem names its field as the API does (<c>workersMax</c>, <c>idleTimeout</c>, <c>env.NAME</c>). The
/// upper limits keep every number far from where it would overflow or exhaust something downstream
/// (RabbitMQ's prefetch is 16-bit; a worker count is processes on a machine).
/// </summary>
public static class EndpointRules
{
    public const int MaxIdLength = 64;
    public const int MaxWorkers = 1_000;
    public const int MaxIdleTimeoutSeconds = 86_400;
    public const int MaxScalerValue = 100_000;
    public const int MinExecutionTimeoutMs = 1_000;
    public const int MaxExecutionTimeoutMs = 7 * 86_400_000;
    public const int MaxAttempts = 100;
    public const int MaxGpuMemoryMb = 10_000_000;
    public const int MaxConcurrencyPerWorker = 1_000;
    public const int MaxEnvEntries = 64;
    public const int MaxEnvValueLength = 4_096;

    /// <summary>
    /// Ids kept for Fleet's own routes: no endpoint is called like a route segment Fleet has or may add beside
    /// <c>/v2/{endpoint}</c>, so a route can never shadow an endpoint nor an endpoint a route.
    /// </summary>
    public static readonly IReadOnlySet<string> ReservedIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "v1", "v2", "admin", "api", "batch", "endpoints", "health", "healthz", "jobs", "keys", "metrics", "packages", "status",
        "workers",
    };

    private static readonly SearchValues<char> s_idChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    private static readonly SearchValues<char> s_hexDigits = SearchValues.Create("0123456789abcdef");

    /// <summary>Whether <paramref name="id"/> is a well-formed id: 1-64 letters, digits, '-' or '_' (safe in a URL path as is).</summary>
    public static bool IsWellFormedId(string id) => id.Length is > 0 and <= MaxIdLength && !id.AsSpan().ContainsAnyExcept(s_idChars);

    /// <summary>The definition's problems, by field; none for a valid definition.</summary>
    public static IEnumerable<(string Field, string Problem)> Check(EndpointDefinition e)
    {
        if (!IsWellFormedId(e.Id))
        {
            yield return ("name", $"must be 1-{MaxIdLength} letters, digits, '-' or '_'.");
        }
        else if (ReservedIds.Contains(e.Id))
        {
            yield return ("name", $"'{e.Id}' is reserved for Fleet's routes.");
        }

        if (!IsWellFormedId(e.Handler))
        {
            yield return ("handler", $"must be 1-{MaxIdLength} letters, digits, '-' or '_'.");
        }

        if (e.WorkersMin is < 0 or > MaxWorkers)
        {
            yield return ("workersMin", $"must be between 0 and {MaxWorkers}.");
        }

        if (e.WorkersMax > MaxWorkers)
        {
            yield return ("workersMax", $"must be at most {MaxWorkers}.");
        }
        else if (e.WorkersMax < 0 || (e.WorkersMin is >= 0 and <= MaxWorkers && e.WorkersMax < e.WorkersMin))
        {
            yield return ("workersMax", "must be at least workersMin.");
        }

        if (e.IdleTimeoutSeconds is < 0 or > MaxIdleTimeoutSeconds)
        {
            yield return ("idleTimeout", $"must be between 0 and {MaxIdleTimeoutSeconds} seconds.");
        }

        if (e.ScalerType is not (ScalerType.QueueDelay or ScalerType.RequestCount))
        {
            yield return ("scalerType", $"must be {ScalerType.QueueDelay} or {ScalerType.RequestCount}.");
        }

        if (e.ScalerValue is < 1 or > MaxScalerValue)
        {
            yield return ("scalerValue", $"must be between 1 and {MaxScalerValue}.");
        }

        if (e.ExecutionTimeoutMs is < MinExecutionTimeoutMs or > MaxExecutionTimeoutMs)
        {
            yield return ("executionTimeoutMs", $"must be between {MinExecutionTimeoutMs} and {MaxExecutionTimeoutMs} ms.");
        }

        if (e.MaxAttempts is < 1 or > MaxAttempts)
        {
            yield return ("maxAttempts", $"must be between 1 and {MaxAttempts}.");
        }

        if (e.MinGpuMemoryMb is < 0 or > MaxGpuMemoryMb)
        {
            yield return ("minGpuMemoryMb", $"must be between 0 and {MaxGpuMemoryMb}.");
        }

        if (e.CpuFallback && e.Hardware != Hardware.Gpu)
        {
            yield return ("cpuFallback", "applies to GPU endpoints only.");
        }

        if (e.ConcurrencyPerWorker is < 1 or > MaxConcurrencyPerWorker)
        {
            yield return ("concurrencyPerWorker", $"must be between 1 and {MaxConcurrencyPerWorker}.");
        }

        foreach (var problem in CheckEnv(e.Env))
        {
            yield return problem;
        }

        if (e.Package is not null && (e.Package.Length != 64 || e.Package.AsSpan().ContainsAnyExcept(s_hexDigits)))
        {
            yield return ("package", "must be a package's sha256: 64 lowercase hex digits.");
        }
    }

    private static IEnumerable<(string Field, string Problem)> CheckEnv(IReadOnlyDictionary<string, string> env)
    {
        if (env.Count > MaxEnvEntries)
        {
            yield return ("env", $"may hold at most {MaxEnvEntries} variables.");
            yield break;
        }

        foreach (var (name, value) in env)
        {
            if (value is null || value.Length > MaxEnvValueLength)
            {
                yield return ($"env.{Shorten(name)}", $"must be a string of at most {MaxEnvValueLength} characters.");
            }
            else if (EndpointEnvironment.Problem(name, value) is { } problem)
            {
                // A name that is no variable name is named as the field it sits in; any other problem under its own name.
                var badName = EndpointEnvironment.Problem(name, "") is { } nameProblem
                    && nameProblem.StartsWith("must be", StringComparison.Ordinal);
                yield return (badName ? "env" : $"env.{name}", badName ? $"'{Shorten(name)}' {problem}." : $"{problem}.");
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
