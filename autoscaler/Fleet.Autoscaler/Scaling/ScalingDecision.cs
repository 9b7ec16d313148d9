namespace Fleet.Autoscaler.Scaling;

/// <summary>
/// One pool's decision for one tick: how many workers it should have and why, how many to start,
/// and which to drain (idle past the timeout) or not to restart.
/// </summary>
public sealed record ScalingDecision(int Actual, int Desired, string Reason, int ToStart, IReadOnlyList<string> ToDrain);
