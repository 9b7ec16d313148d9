namespace Pipeline.Contracts;

/// <summary>One feature row per sample, and the device that computed them (<c>cuda</c> or <c>cpu</c>).</summary>
public sealed record FeaturesOutput(float[][] Features, string Device);
