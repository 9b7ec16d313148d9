namespace Fleet.Client;

/// <summary>A page of an endpoint's dead letters (Fleet's <c>GET /v2/{endpoint}/jobs</c>), newest first.</summary>
/// <param name="Jobs">The jobs of this page.</param>
/// <param name="Next">The <c>before</c> of the next page; null on the last.</param>
public sealed record FleetJobPage(IReadOnlyList<FleetJobStatus> Jobs, string? Next);
