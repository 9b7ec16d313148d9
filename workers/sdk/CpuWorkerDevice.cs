using Fleet.Contracts;

namespace Fleet.Worker.Sdk;

/// <summary>The device of a CPU worker.</summary>
public sealed class CpuWorkerDevice : IWorkerDevice
{
    public string Name => "cpu";

    public Hardware Hardware => Hardware.Cpu;

    public DeviceMemory? ReadMemory() => null;
}
