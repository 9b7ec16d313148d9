namespace Fleet.Autoscaler.Packages;

/// <summary>
/// A package cannot be fetched, extracted or started; the message says why, for the endpoint's start failures.
/// <see cref="Transient"/>: the gateway could not be reached or answered that it cannot serve now (5xx, 408, 429), so the
/// same request may well succeed later; anything else (404, a wrong hash, no entry) will not.
/// </summary>
public sealed class PackageException(string message, Exception? inner = null, bool transient = false) : Exception(message, inner)
{
    public bool Transient { get; } = transient;
}
