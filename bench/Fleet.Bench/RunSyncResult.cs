namespace Fleet.Bench;

/// <summary>Figures of the runsync phase. RoundTripMs is sorted ascending, completed calls only.</summary>
public sealed record RunSyncResult(int Calls, int Failed, int TimedOut, double[] RoundTripMs, IReadOnlyList<string> ErrorSamples)
{
    public int Errors => Failed + TimedOut;
}
