namespace Fleet.Contracts.Endpoints;

/// <summary>
/// Which variables an endpoint's <c>env</c> may set on its workers: any but those Fleet sets itself (its
/// settings, broker credentials, the runtime's own switches), so an endpoint can never redirect a worker's
/// queue, identity or credentials. The gateway refuses such names; the autoscaler never passes them.
/// </summary>
public static class WorkerEnvironment
{
    private static readonly string[] s_reservedPrefixes =
        ["Fleet", "Worker__", "RabbitMq__", "ConnectionStrings__", "Auth__", "DOTNET_", "ASPNETCORE_", "COREHOST_", "CORECLR_"];

    /// <summary>Whether <paramref name="name"/> belongs to Fleet or the .NET runtime (case-insensitive, as configuration is).</summary>
    public static bool IsReserved(string name) =>
        s_reservedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase))
        || name is "PATH" or "HOME" or "LD_LIBRARY_PATH" or "LD_PRELOAD";
}
