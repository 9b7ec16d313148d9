namespace Fleet.Client.Http;

/// <summary>One submission's answer: the job's id, or why this one input was refused (a <see cref="FleetApiException"/>, 400).</summary>
internal readonly record struct SubmitOutcome(string? JobId, Exception? Error);
