namespace Fleet.Bench;

/// <summary>
/// One HTTP exchange, reduced to what the phases act on. Code 0 means a transport error or an
/// unreadable body, described by Problem.
/// </summary>
public readonly record struct ApiResult(int Code, JobStatus? Job, TimeSpan RetryAfter, string? Problem)
{
    public bool IsSuccess => Code is >= 200 and < 300 && Job is not null;

    /// <summary>Worth asking again later: the gateway is shedding load or a connection broke.</summary>
    public bool IsTransient => Code is 0 or 429 or 502 or 503 or 504;

    public string Describe() => Problem ?? $"HTTP {Code}";
}
