namespace Fleet.Autoscaler.Signals;

/// <summary>A worker's latest heartbeat as the gateway stored it (table <c>workers</c>); ages on the database clock.</summary>
public sealed record LiveWorkerRow(
    string Id, string Hardware, IReadOnlyList<string> Endpoints, int Running, double? IdleSeconds, double SeenSecondsAgo, bool Stopping);
