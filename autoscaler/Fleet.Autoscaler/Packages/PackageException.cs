namespace Fleet.Autoscaler.Packages;

/// <summary>A package cannot be fetched, extracted or started; the message says why, for the endpoint's start failures.</summary>
public sealed class PackageException(string message, Exception? inner = null) : Exception(message, inner);
