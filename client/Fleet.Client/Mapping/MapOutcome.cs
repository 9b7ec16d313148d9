namespace Fleet.Client.Mapping;

/// <summary>One input's end in a map: the job's final status, or why it has none (refused input, vanished job).</summary>
internal readonly record struct MapOutcome(int Index, string? JobId, FleetJobStatus? Status, Exception? Error);
