namespace Fleet.Worker.Sdk;

public sealed record DeviceMemory(long TotalMb, long FreeMb);
