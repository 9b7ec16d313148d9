namespace Fleet.Bench.Client;

/// <summary>One map's figures: how long it took and how many HTTP requests it made.</summary>
public sealed record MapRun(string Mode, int Jobs, TimeSpan Wall, long Requests, long Refused)
{
    public double RequestsPerJob => (double)Requests / Jobs;

    public double JobsPerSecond => Jobs / Wall.TotalSeconds;
}
