namespace Fleet.Gateway.Routing;

/// <summary>Where a job goes and why; <see cref="Queue"/> is null while it waits for a suitable worker.</summary>
public sealed record RoutingDecision(string? Queue, string Reason);
