namespace Fleet.Contracts.Functions;

/// <summary>RunPod's <c>computeType</c> of an endpoint, as its REST API spells it.</summary>
public static class ComputeTypes
{
    public const string Cpu = "CPU";

    public const string Gpu = "GPU";

    public static string Of(Hardware hardware) => hardware == Hardware.Gpu ? Gpu : Cpu;

    /// <summary>Reads <c>CPU</c> or <c>GPU</c> (in any case).</summary>
    public static bool TryParse(string text, out Hardware hardware)
    {
        hardware = string.Equals(text, Gpu, StringComparison.OrdinalIgnoreCase) ? Hardware.Gpu : Hardware.Cpu;
        return string.Equals(text, Gpu, StringComparison.OrdinalIgnoreCase) || string.Equals(text, Cpu, StringComparison.OrdinalIgnoreCase);
    }
}
