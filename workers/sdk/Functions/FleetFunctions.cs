using System.Reflection;
using System.Text.Json;
using Fleet.Contracts;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Hosting;

namespace Fleet.Worker.Sdk;

/// <summary>
/// The entry point of a function project: <c>return await FleetFunctions.RunAsync(args);</c> as the
/// whole <c>Program.cs</c>. Serves every <see cref="FleetFunctionAttribute">declared function</see> of
/// the entry assembly as a Fleet worker; with <c>--manifest</c> prints the project's manifest and
/// exits, connecting to nothing.
/// </summary>
public static class FleetFunctions
{
    /// <summary>Exit code of <c>--manifest</c> for a declaration that is invalid (the reason on stderr).</summary>
    public const int InvalidDeclarationExitCode = 2;

    public static Task<int> RunAsync(string[] args) => RunAsync(args, configure: null);

    /// <param name="args">The program's arguments (configuration, or <c>--manifest</c>).</param>
    /// <param name="configure">
    /// Adds what the handlers need, e.g. <c>w =&gt; w.AddFleetGpu()</c> (Fleet.Gpu) or services of your own.
    /// </param>
    public static Task<int> RunAsync(string[] args, Action<IHostApplicationBuilder>? configure) =>
        RunAsync(
            Assembly.GetEntryAssembly() ?? throw new InvalidOperationException("No entry assembly: call RunAsync from a program's Main."),
            args, configure, CancellationToken.None);

    /// <summary>
    /// As <see cref="RunAsync(string[], Action{IHostApplicationBuilder}?)"/> for the functions of <paramref name="assembly"/>.
    /// </summary>
    public static async Task<int> RunAsync(
        Assembly assembly, string[] args, Action<IHostApplicationBuilder>? configure, CancellationToken cancellationToken)
    {
        if (args.Contains(FleetNames.ManifestArgument, StringComparer.Ordinal))
        {
            return await WriteManifestAsync(assembly, Console.Out, Console.Error);
        }

        var builder = Host.CreateApplicationBuilder(
            new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var functions = FunctionDeclaration.FromAssembly(assembly);
        // First, so the environment and every other source win over the declared values.
        var declaredEnvironment = new MemoryConfigurationSource { InitialData = FunctionDeclaration.EnvironmentDefaults(functions) };
        builder.Configuration.Sources.Insert(0, declaredEnvironment);

        builder.AddFleetWorker();
        builder.Services.AddFleetFunctions(functions);
        configure?.Invoke(builder);
        using var host = builder.Build();
        await host.RunAsync(cancellationToken);
        // A worker stopped for a runaway handler set its own exit code (WorkerLifecycle).
        return Environment.ExitCode;
    }

    /// <summary>
    /// Writes the manifest of <paramref name="assembly"/> as JSON; 0, or <see cref="InvalidDeclarationExitCode"/> with the reason.
    /// </summary>
    public static async Task<int> WriteManifestAsync(Assembly assembly, TextWriter output, TextWriter error)
    {
        try
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(FunctionManifests.For(assembly), FunctionManifests.Json));
            return 0;
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync(e.Message);
            return InvalidDeclarationExitCode;
        }
    }
}
