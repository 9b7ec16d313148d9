using System.Text.Json.Serialization;
using Fleet.Autoscaler.Scaling;

namespace Fleet.Autoscaler.Actuators;

/// <summary>A worker the actuator started (or took over from a killed predecessor) and answers for.</summary>
/// <param name="Version">The endpoint's worker version its process runs.</param>
/// <param name="StartedAt">When its current process started.</param>
/// <param name="Restarts">How often it was restarted after a crash.</param>
/// <param name="Adopted">Its process was left running by a killed predecessor and taken over.</param>
public sealed record OwnedWorker(
    string Id,
    [property: JsonIgnore] WorkerPool Pool,
    int Version,
    OwnedWorkerState State,
    DateTimeOffset StartedAt,
    int? ProcessId,
    int Restarts,
    string LogFile,
    bool Adopted)
{
    public string Endpoint => Pool.Endpoint.Id;

    public string PoolKind => Pool.Kind;
}
