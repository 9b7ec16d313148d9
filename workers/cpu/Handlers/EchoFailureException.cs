namespace Fleet.Worker.Cpu.Handlers;

/// <summary>The failure <c>echo</c> raises on request; its message becomes the job's <c>error</c>.</summary>
public sealed class EchoFailureException(string message) : Exception(message);
