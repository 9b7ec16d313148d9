namespace Fleet.Gateway.Admission;

/// <summary>
/// A validated body of <c>run</c> / <c>runsync</c>. <see cref="Input"/> is the input's JSON text, a
/// slice of the request body: valid only while the body it was read from is held.
/// </summary>
public sealed record JobSubmission(ReadOnlyMemory<byte> Input, string? Webhook, JobPolicy Policy);
