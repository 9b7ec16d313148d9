using System.Globalization;
using Fleet.Contracts.Endpoints;
using Fleet.ServiceDefaults;

namespace Fleet.Autoscaler.Actuators;

/// <summary>
/// A worker's files in the worker log directory: its output (<c>{id}.log</c>, kept), its pid file (a successor
/// autoscaler adopts the worker through it) and its endpoints file (<c>{id}.endpoints.json</c>: its one endpoint's
/// definition, the worker's only source for it). The last two live as long as its process.
/// </summary>
internal sealed record WorkerFiles(string Log, string Pid, string Endpoints)
{
    public const string PidExtension = ".pid";

    public static WorkerFiles Of(string directory, string workerId) => new(
        Path.Combine(directory, workerId + ".log"), Path.Combine(directory, workerId + PidExtension),
        Path.Combine(directory, workerId + ".endpoints.json"));

    /// <summary>Writes the endpoints file its process will read.</summary>
    public void WriteEndpoints(EndpointDefinition endpoint) => File.WriteAllText(Endpoints, EndpointsFile.Json([endpoint]));

    public void WritePid(int pid) => File.WriteAllText(Pid, pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>Its process is gone: only the log stays.</summary>
    public void DeleteRunFiles()
    {
        File.Delete(Pid);
        File.Delete(Endpoints);
    }
}
