namespace Fleet.Contracts.Functions;

/// <summary>RunPod's <c>computeType</c> of an endpoint, as its REST API spells it.</summary>
public static class ComputeTypes
{
    public const string Cpu = "CPU";

    public const string Gpu = "GPU";
}
