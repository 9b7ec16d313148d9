using System.Reflection;
using System.Text.Json;
using Fleet.Contracts.Functions;

namespace Fleet.Worker.Sdk;

/// <summary>The manifest of a function project: its entry point and every declared function.</summary>
public static class FunctionManifests
{
    /// <summary>How <c>--manifest</c> writes it: camelCase, indented.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The version of this SDK, without build metadata (<c>0.2.0</c>).</summary>
    public static string SdkVersion { get; } = VersionOf(typeof(FunctionManifests).Assembly);

    public static ProjectManifest For(Assembly assembly) => new()
    {
        SdkVersion = SdkVersion,
        EntryPoint = assembly.GetName().Name + ".dll",
        Functions = [.. FunctionDeclaration.FromAssembly(assembly).Select(f => f.ToManifest())],
    };

    private static string VersionOf(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var metadata = version.IndexOf('+', StringComparison.Ordinal);
        return metadata < 0 ? version : version[..metadata];
    }
}
