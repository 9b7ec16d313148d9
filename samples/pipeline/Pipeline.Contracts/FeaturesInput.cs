namespace Pipeline.Contracts;

/// <summary>Raw samples, one row each, all of the same width.</summary>
public sealed record FeaturesInput(float[][] Samples);
