namespace Fleet.Contracts.Functions;

/// <summary>
/// What a function project declares, as its entry point prints it with <c>--manifest</c>
/// (<see cref="FleetNames.ManifestArgument"/>): the functions it holds, their resources and the JSON
/// schemas of their input and output. <c>fleet deploy</c> reads it, and sends each function's entry
/// with the endpoint it creates.
/// </summary>
public sealed record ProjectManifest
{
    /// <summary>The version of the Fleet.Worker.Sdk package the project was built with (<c>0.2.0</c>).</summary>
    public string SdkVersion { get; init; } = "";

    /// <summary>
    /// The project's entry assembly file, e.g. <c>Summarize.dll</c>: a worker runs <c>dotnet Summarize.dll</c> in the unpacked package.
    /// </summary>
    public string EntryPoint { get; init; } = "";

    /// <summary>The functions, ordered by name.</summary>
    public IReadOnlyList<FunctionManifest> Functions { get; init; } = [];
}
