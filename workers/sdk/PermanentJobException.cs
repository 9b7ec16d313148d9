namespace Fleet.Worker.Sdk;

/// <summary>A failure that retrying cannot fix (bad input): the job fails at once, whatever its attempts.</summary>
public sealed class PermanentJobException(string message, Exception? inner = null) : Exception(message, inner);
