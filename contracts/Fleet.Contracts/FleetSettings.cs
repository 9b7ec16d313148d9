namespace Fleet.Contracts;

/// <summary>
/// Configuration keys that one process sets for another (the autoscaler for the workers it starts,
/// <c>./fleet</c> and the tests for every process), defined once. Each process binds them through
/// its own options class; these are the names, in configuration form (<c>Section:Key</c>).
/// </summary>
public static class FleetSettings
{
    /// <summary>PostgreSQL: the gateway's role owns the schema; the autoscaler's may only read it.</summary>
    public const string ConnectionString = "ConnectionStrings:Fleet";

    /// <summary>The broker user of the process (gateway, worker, or the autoscaler's monitoring user).</summary>
    public const string RabbitMqUsername = "RabbitMq:Username";

    public const string RabbitMqPassword = "RabbitMq:Password";

    /// <summary>The key workers sign their heartbeats with; the gateway holds it as <see cref="ReportsWorkerKey"/>.</summary>
    public const string WorkerKey = "Worker:Key";

    /// <summary>The gateway's key for report tokens; every gateway of a fleet has the same one.</summary>
    public const string ReportsKey = "Reports:Key";

    /// <summary>The workers' heartbeat key (<see cref="WorkerKey"/>), in the gateway's configuration.</summary>
    public const string ReportsWorkerKey = "Reports:WorkerKey";

    /// <summary>A worker's id (its heartbeats and leases name it); the autoscaler numbers its workers.</summary>
    public const string WorkerId = "Worker:Id";

    /// <summary>The endpoints a worker serves: <c>Worker:Endpoints:0</c>, <c>:1</c>, … (all it has handlers for if none).</summary>
    public const string WorkerEndpoints = "Worker:Endpoints";

    /// <summary><c>Cpu</c> makes the GPU worker binary serve the CPU-fallback queues of GPU endpoints.</summary>
    public const string WorkerHardware = "Worker:Hardware";

    /// <summary>The shortest key accepted for <see cref="WorkerKey"/> and <see cref="ReportsKey"/>.</summary>
    public const int MinKeyLength = 32;

    /// <summary>The environment variable for a key: <c>Worker:Key</c> is <c>Worker__Key</c>.</summary>
    public static string EnvironmentVariable(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>The environment variable of entry <paramref name="index"/> of a list setting: <c>Worker__Endpoints__0</c>.</summary>
    public static string EnvironmentVariable(string key, int index) => $"{EnvironmentVariable(key)}__{index}";
}
