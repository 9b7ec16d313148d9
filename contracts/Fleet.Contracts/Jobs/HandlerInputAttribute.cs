namespace Fleet.Contracts.Jobs;

/// <summary>
/// Marks the input record of a handler and names the handler. The gateway validates a job's
/// <c>input</c> against this type, the worker deserializes it into this type: one definition, two readers.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class HandlerInputAttribute(string handler) : Attribute
{
    public string Handler { get; } = handler;

    /// <summary>The hardware of the worker program that has the handler (Fleet's CPU or GPU worker).</summary>
    public Hardware Hardware { get; set; } = Hardware.Cpu;
}
