namespace Fleet.Contracts;

/// <summary>The kind of machine a queue's consumers run on.</summary>
public enum Hardware
{
    Cpu,
    Gpu,
}
