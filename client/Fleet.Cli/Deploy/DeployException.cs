namespace Fleet.Cli.Deploy;

/// <summary>A deploy step that failed; its message says which and why (the command exits 2).</summary>
public sealed class DeployException(string message, Exception? inner = null) : Exception(message, inner);
