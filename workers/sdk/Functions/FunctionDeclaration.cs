using System.Reflection;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Functions;
using Fleet.ServiceDefaults;

namespace Fleet.Worker.Sdk;

/// <summary>
/// A function as its code declares it: a handler class with <see cref="FleetFunctionAttribute"/>
/// and <see cref="FleetEnvAttribute"/>s. Read once from an assembly, validated as an endpoint
/// definition is (so a bad declaration fails <c>--manifest</c> and the worker's start alike).
/// </summary>
public sealed class FunctionDeclaration
{
    private FunctionDeclaration(HandlerContract contract, FleetFunctionAttribute function, IReadOnlyDictionary<string, string> env)
    {
        HandlerType = contract.HandlerType;
        InputType = contract.InputType;
        OutputType = contract.OutputType;
        Function = function;
        Env = env;
    }

    public string Name => Function.Name;

    public Type HandlerType { get; }

    public Type InputType { get; }

    public Type OutputType { get; }

    public FleetFunctionAttribute Function { get; }

    public IReadOnlyDictionary<string, string> Env { get; }

    /// <summary>The declaration of one handler class; throws naming what is wrong.</summary>
    public static FunctionDeclaration From(Type handlerType)
    {
        var function = handlerType.GetCustomAttribute<FleetFunctionAttribute>()
            ?? throw new InvalidOperationException($"{handlerType.Name} has no [FleetFunction] attribute.");
        var contract = HandlerContract.Of(handlerType);
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in handlerType.GetCustomAttributes<FleetEnvAttribute>())
        {
            if (string.IsNullOrEmpty(variable.Name) || variable.Name.AsSpan().ContainsAny('=', '\0'))
            {
                throw new InvalidOperationException(
                    $"{handlerType.Name}: [FleetEnv] name '{variable.Name}' is not an environment variable name.");
            }

            if (!env.TryAdd(variable.Name, variable.Value))
            {
                throw new InvalidOperationException($"{handlerType.Name}: [FleetEnv(\"{variable.Name}\")] is given twice.");
            }
        }

        var declaration = new FunctionDeclaration(contract, function, env);
        var errors = new FleetOptionsValidator().Validate(null, new FleetOptions { Endpoints = [declaration.ToEndpointDefinition()] });
        return errors.Failed
            ? throw new InvalidOperationException(
                $"{handlerType.Name}: [FleetFunction(\"{function.Name}\")] is invalid: {errors.FailureMessage}")
            : declaration;
    }

    /// <summary>
    /// Every <c>[FleetFunction]</c> class of <paramref name="assembly"/>, by name; two functions of one name are refused.
    /// </summary>
    public static IReadOnlyList<FunctionDeclaration> FromAssembly(Assembly assembly)
    {
        var functions = assembly.GetTypes()
            .Where(t => t.IsClass && t.IsDefined(typeof(FleetFunctionAttribute), inherit: false))
            .Select(From)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        var twice = functions.GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return twice is null
            ? functions
            : throw new InvalidOperationException(
                $"Function '{twice.Key}' is declared by {string.Join(" and ", twice.Select(f => f.HandlerType.Name))}.");
    }

    /// <summary>
    /// The declared environment as configuration defaults: a worker the fleet starts has it in its
    /// environment, one started by hand (or the test host) gets it from here. <c>Section__Key</c> is
    /// <c>Section:Key</c>, as for environment variables; a variable two functions give different
    /// values is left out, to the environment.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> EnvironmentDefaults(IEnumerable<FunctionDeclaration> functions) =>
        functions.SelectMany(f => f.Env)
            .GroupBy(e => e.Key, StringComparer.Ordinal)
            .Where(g => g.Select(e => e.Value).Distinct(StringComparer.Ordinal).Count() == 1)
            .Select(g => KeyValuePair.Create(g.Key.Replace("__", ":", StringComparison.Ordinal), (string?)g.First().Value));

    /// <summary>The function's entry in its project's manifest, with the JSON schemas of its input and output.</summary>
    public FunctionManifest ToManifest() => Resources() with
    {
        InputSchema = FunctionSchemas.Input(InputType),
        OutputSchema = FunctionSchemas.Output(OutputType),
    };

    /// <summary>The endpoint this declaration makes (id and handler its name), as the gateway and the autoscaler read one.</summary>
    public EndpointDefinition ToEndpointDefinition() => Resources().ToEndpointDefinition();

    private FunctionManifest Resources() => new()
    {
        Name = Function.Name,
        HandlerType = HandlerType.FullName ?? HandlerType.Name,
        Hardware = Function.Hardware,
        WorkersMin = Function.WorkersMin,
        WorkersMax = Function.WorkersMax,
        IdleTimeoutSeconds = Function.IdleTimeoutSeconds,
        ScalerType = Function.ScalerType,
        ScalerValue = Function.ScalerValue,
        ExecutionTimeoutMs = Function.ExecutionTimeoutMs,
        MaxAttempts = Function.MaxAttempts,
        MinGpuMemoryMb = Function.MinGpuMemoryMb,
        CpuFallback = Function.CpuFallback,
        ConcurrencyPerWorker = Function.ConcurrencyPerWorker,
        Env = Env,
        InputType = InputType.FullName ?? InputType.Name,
        OutputType = OutputType.FullName ?? OutputType.Name,
    };
}
