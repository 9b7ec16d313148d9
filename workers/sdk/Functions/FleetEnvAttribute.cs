namespace Fleet.Worker.Sdk;

/// <summary>
/// An environment variable the workers of a <see cref="FleetFunctionAttribute">function</see> get,
/// beside its declaration (one attribute per variable). Read it through configuration
/// (<c>IConfiguration["MODEL_SIZE"]</c>): a worker started by the fleet has it in its environment,
/// a worker started by hand and the test host have it as a configuration default.
/// <c>Section__Key</c> names reach configuration as <c>Section:Key</c>, as environment variables do.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FleetEnvAttribute(string name, string value) : Attribute
{
    public string Name { get; } = name;

    public string Value { get; } = value;
}
