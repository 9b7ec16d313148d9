using System.Diagnostics;
using Fleet.Contracts;

namespace Fleet.Autoscaler.Actuators;

/// <summary>How <see cref="LocalProcessActuator"/> starts a worker process of a pool.</summary>
internal static class WorkerCommand
{
    /// <summary>
    /// <c>dotnet Fleet.Worker.{Cpu|Gpu}.dll</c> with the autoscaler's environment, less its database
    /// connection and with the workers' broker user and heartbeat key instead of its own credentials,
    /// plus the worker's id, its one endpoint and, for a CPU-fallback pool, <c>Worker__Hardware=Cpu</c>;
    /// output appended to its log.
    /// </summary>
    public static ProcessStartInfo For(AutoscalerOptions options, WorkerSlot slot)
    {
        var gpu = slot.Pool.Endpoint.Hardware == Hardware.Gpu;
        var program = gpu ? options.GpuWorkerPath : options.CpuWorkerPath;
        if (string.IsNullOrEmpty(program) || !File.Exists(program))
        {
            throw new InvalidOperationException(
                $"Autoscaler:{(gpu ? "GpuWorkerPath" : "CpuWorkerPath")} must name the built worker program (is: '{program}').");
        }

        // The shell only redirects and execs: the pid is the worker's own, and its output goes to
        // the file directly, not through a pipe that would break if the autoscaler died.
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(program))!,
        };
        string[] arguments = ["-c", "exec \"$0\" \"$1\" >>\"$2\" 2>&1", options.DotnetPath, Path.GetFullPath(program), slot.LogFile];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Other Worker__ settings (heartbeat interval) pass through; these three are the pool's.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith(FleetSettings.EnvironmentVariable(
            FleetSettings.WorkerEndpoints), StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment.Remove(FleetSettings.EnvironmentVariable(FleetSettings.WorkerHardware));
        // Least privilege: a worker needs no database, and the autoscaler's broker user may only
        // read the management API.
        start.Environment.Remove(FleetSettings.EnvironmentVariable(FleetSettings.ConnectionString));
        start.Environment[FleetSettings.EnvironmentVariable(FleetSettings.RabbitMqUsername)] = options.WorkerRabbitMqUsername;
        start.Environment[FleetSettings.EnvironmentVariable(FleetSettings.RabbitMqPassword)] = options.WorkerRabbitMqPassword;
        start.Environment[FleetSettings.EnvironmentVariable(FleetSettings.WorkerKey)] = options.WorkerKey;
        start.Environment[FleetSettings.EnvironmentVariable(FleetSettings.WorkerId)] = slot.Id;
        start.Environment[FleetSettings.EnvironmentVariable(FleetSettings.WorkerEndpoints, 0)] = slot.Pool.Endpoint.Id;
        if (slot.Pool.IsCpuFallback)
        {
            start.Environment[FleetSettings.EnvironmentVariable(FleetSettings.WorkerHardware)] = nameof(Hardware.Cpu);
        }

        return start;
    }
}
