namespace Fleet.Bench;

/// <summary>A condition under which measuring is pointless (gateway unreachable, key refused); exits with code 2.</summary>
public sealed class FatalBenchException(string message, Exception? inner = null) : Exception(message, inner);
