namespace Fleet.Client.Http;

/// <summary>What a status read of many jobs found: their status documents, and the ids the server does not know.</summary>
internal sealed record PollResult(IReadOnlyList<FleetJobStatus> Jobs, IReadOnlyList<string> Missing);
