namespace Fleet.Contracts.Jobs.Vector;

/// <summary>The operations of the <c>vector</c> handler (<see cref="VectorInput.Op"/>).</summary>
public static class VectorOps
{
    public const string Saxpy = "saxpy";
    public const string Dot = "dot";
    public const string Sum = "sum";
}
