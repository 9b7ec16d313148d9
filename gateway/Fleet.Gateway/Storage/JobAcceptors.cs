namespace Fleet.Gateway.Storage;

/// <summary>The two accept paths: keys of their <see cref="JobAcceptor"/> instances.</summary>
public static class JobAcceptors
{
    /// <summary><c>run</c>: the 200 promises the job is on disk, so its commit waits for the flush.</summary>
    public const string Durable = "durable";

    /// <summary><c>runsync</c>: nothing is answered before the job's ending commits synchronously.</summary>
    public const string AnsweredAfterEnding = "answered-after-ending";
}
