using System.Diagnostics;
using System.Globalization;
using Fleet.Autoscaler.Scaling;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;

namespace Fleet.Autoscaler.Actuators;

/// <summary>How <see cref="LocalProcessActuator"/> starts a worker process of a pool.</summary>
internal static class WorkerCommand
{
    /// <summary>
    /// Why the pool's worker program cannot be started (not configured, not built; for a package, no gateway to fetch it
    /// from); null when it can.
    /// </summary>
    public static string? ProgramProblem(AutoscalerOptions options, WorkerPool pool)
    {
        if (pool.Endpoint.Package is not null)
        {
            return options.GatewayUrl is null ? "Autoscaler:GatewayUrl must name the gateway its package is fetched from" : null;
        }

        var gpu = pool.Endpoint.Hardware == Hardware.Gpu;
        var program = gpu ? options.GpuWorkerPath : options.CpuWorkerPath;
        return string.IsNullOrEmpty(program) || !File.Exists(program)
            ? $"Autoscaler:{(gpu ? "GpuWorkerPath" : "CpuWorkerPath")} must name the built worker program (is: '{program}')"
            : null;
    }

    /// <summary>
    /// The one decision of what a worker runs: the entry assembly of its endpoint's package (fetched before), or else
    /// Fleet's own worker program for its hardware.
    /// </summary>
    public static string Program(AutoscalerOptions options, WorkerSlot slot)
    {
        if (slot.Pool.Endpoint.Package is not null)
        {
            return slot.PackageProgram
                ?? throw new InvalidOperationException($"Worker {slot.Id}: its package {slot.Pool.Endpoint.Package} is not fetched yet.");
        }

        if (ProgramProblem(options, slot.Pool) is { } problem)
        {
            throw new InvalidOperationException(problem + ".");
        }

        return Path.GetFullPath(slot.Pool.Endpoint.Hardware == Hardware.Gpu ? options.GpuWorkerPath! : options.CpuWorkerPath!);
    }

    /// <summary>
    /// Starts the slot's worker process at the pool's current version: writes its endpoints file, then its pid file once
    /// it runs. <paramref name="exited"/> is called when the process exits.
    /// </summary>
    public static Process Start(AutoscalerOptions options, WorkerSlot slot, DateTimeOffset now, ILogger log,
        Action<WorkerSlot, Process> exited)
    {
        slot.Version = slot.Pool.Version;
        var start = For(options, slot, out var skipped);
        foreach (var entry in skipped)
        {
            log.LogWarning("Worker {WorkerId}: the endpoint's env {Entry}; left out", slot.Id, entry);
        }

        File.AppendAllText(slot.Files.Log,
            $"{WorkerLogTail.StartMarker}{now:O} autoscaler starts {slot.Id} for {slot.Pool} version {slot.Version} " +
            $"(restarts so far: {slot.Restarts}) ---\n");
        slot.Files.WriteEndpoints(slot.Pool.Endpoint);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.Exited += (_, _) => exited(slot, process);
        process.Start();
        slot.Files.WritePid(process.Id);
        return process;
    }

    /// <summary>
    /// <c>dotnet {program}</c> (<see cref="Program"/>) with the autoscaler's environment, less its database connection and
    /// endpoint settings, plus the endpoint's own <c>env</c> (never a name of Fleet's: <see cref="EndpointEnvironment"/>),
    /// then Fleet's settings for the worker: the workers' broker user and heartbeat key, the worker's id, its one endpoint,
    /// its endpoints file and version, and for a CPU-fallback pool <c>Worker__Hardware=Cpu</c>; output appended to its log.
    /// </summary>
    /// <param name="skipped">Names of the endpoint's env left out, and why.</param>
    public static ProcessStartInfo For(AutoscalerOptions options, WorkerSlot slot, out List<string> skipped)
    {
        var program = Program(options, slot);
        // The shell only redirects and execs: the pid is the worker's own, and its output goes to
        // the file directly, not through a pipe that would break if the autoscaler died.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(program)! };
        foreach (var argument in (string[])["-c", "exec \"$0\" \"$1\" >>\"$2\" 2>&1", options.DotnetPath, program, slot.Files.Log])
        {
            start.ArgumentList.Add(argument);
        }

        skipped = Configure(start.Environment, options, slot);
        return start;
    }

    /// <summary>
    /// Makes <paramref name="environment"/> (the autoscaler's own, inherited) the worker's; returns the names of the
    /// endpoint's env left out, and why.
    /// </summary>
    internal static List<string> Configure(IDictionary<string, string?> environment, AutoscalerOptions options, WorkerSlot slot)
    {
        // Other Worker__ settings (heartbeat interval) pass through. The endpoint is the endpoints file's alone: no
        // Fleet__ setting of the autoscaler's may add to it or change it.
        var endpoints = FleetSettings.EnvironmentVariable(FleetSettings.WorkerEndpoints);
        foreach (var key in environment.Keys.Where(k => k.StartsWith(endpoints, StringComparison.Ordinal)
            || k.StartsWith(FleetNames.EndpointsSection + "__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            environment.Remove(key);
        }

        environment.Remove(FleetSettings.EnvironmentVariable(FleetSettings.WorkerHardware));
        // Least privilege: a worker needs no database, and the autoscaler's broker user may only
        // read the management API.
        environment.Remove(FleetSettings.EnvironmentVariable(FleetSettings.ConnectionString));
        var skipped = new List<string>();
        foreach (var (name, value) in slot.Pool.Endpoint.Env)
        {
            if (EndpointEnvironment.Problem(name, value) is { } why)
            {
                skipped.Add($"{name} {why}");
            }
            else
            {
                environment[name] = value;
            }
        }

        environment[FleetSettings.EnvironmentVariable(FleetSettings.RabbitMqUsername)] = options.WorkerRabbitMqUsername;
        environment[FleetSettings.EnvironmentVariable(FleetSettings.RabbitMqPassword)] = options.WorkerRabbitMqPassword;
        environment[FleetSettings.EnvironmentVariable(FleetSettings.WorkerKey)] = options.WorkerKey;
        environment[FleetSettings.EnvironmentVariable(FleetSettings.WorkerId)] = slot.Id;
        environment[FleetSettings.EnvironmentVariable(FleetSettings.WorkerEndpoints, 0)] = slot.Pool.Endpoint.Id;
        environment[FleetNames.EndpointsFileVariable] = slot.Files.Endpoints;
        environment[FleetNames.WorkerVersionVariable] = slot.Pool.Version.ToString(CultureInfo.InvariantCulture);
        if (slot.Pool.IsCpuFallback)
        {
            environment[FleetSettings.EnvironmentVariable(FleetSettings.WorkerHardware)] = nameof(Hardware.Cpu);
        }

        return skipped;
    }
}
