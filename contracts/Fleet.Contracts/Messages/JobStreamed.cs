using System.Text.Json;

namespace Fleet.Contracts.Messages;

/// <summary>Event: chunk number <see cref="Sequence"/> (from 0) that an attempt of a job streamed.</summary>
public sealed record JobStreamed(Guid JobId, int Attempt, int Sequence, JsonElement Chunk, string ReportToken);
