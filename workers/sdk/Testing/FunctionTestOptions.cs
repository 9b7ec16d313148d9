using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Worker.Sdk.Testing;

/// <summary>What a <see cref="FunctionTestHost{THandler, TInput, TOutput}"/> gives the handler.</summary>
public sealed class FunctionTestOptions
{
    /// <summary>Configuration besides the function's <c>[FleetEnv]</c> values (which it overrides).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>Registers what the handler's constructor takes (a fake of a remote service, the GPU device, options).</summary>
    public Action<IServiceCollection, IConfiguration>? Services { get; set; }

    /// <summary>The execution timeout; by default the function's declared <c>ExecutionTimeoutMs</c>.</summary>
    public TimeSpan? ExecutionTimeout { get; set; }
}
