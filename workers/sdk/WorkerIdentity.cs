namespace Fleet.Worker.Sdk;

/// <summary>This worker process's id, fixed at start.</summary>
public sealed record WorkerIdentity(string Id);
