using Fleet.Contracts.Endpoints;

namespace Fleet.ServiceDefaults;

/// <summary>Comparisons of endpoint definitions: what changed, and whether the change needs new workers.</summary>
public static class EndpointDefinitions
{
    /// <summary>Every setting equal, versions aside.</summary>
    public static bool SameSettings(EndpointDefinition a, EndpointDefinition b) => a == b with { Version = a.Version };

    /// <summary>
    /// Whether workers of <paramref name="a"/> can serve <paramref name="b"/>: the same handler, hardware,
    /// environment, concurrency and package. Any other change (scaling, timeouts, attempts) keeps the workers.
    /// </summary>
    public static bool SameWorkers(EndpointDefinition a, EndpointDefinition b) =>
        a.Id == b.Id && a.Handler == b.Handler && a.Hardware == b.Hardware && a.ConcurrencyPerWorker == b.ConcurrencyPerWorker
        && a.Package == b.Package && a.SameEnv(b.Env);
}
