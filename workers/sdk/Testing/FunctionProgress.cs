namespace Fleet.Worker.Sdk.Testing;

/// <summary>One progress report of a run in the test host, as the status document would show it.</summary>
public sealed record FunctionProgress(string? Message, double? Percent);
