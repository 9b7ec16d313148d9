namespace Fleet.Client.Mapping;

/// <summary>How <see cref="JobMapper"/> runs: result order, jobs in flight, submission batch size, long-poll wait.</summary>
internal sealed record MapSettings(FleetMapOrder Order, int MaxInFlight, int BatchSize, TimeSpan Wait);
