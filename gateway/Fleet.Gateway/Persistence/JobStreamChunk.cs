namespace Fleet.Gateway.Persistence;

/// <summary>A chunk a job's attempt streamed, kept until <c>/stream</c> has handed it out (once).</summary>
public sealed class JobStreamChunk
{
    public Guid JobId { get; set; }

    public int Attempt { get; set; }

    public int Sequence { get; set; }

    public required string Chunk { get; set; }

    public bool HandedOut { get; set; }
}
