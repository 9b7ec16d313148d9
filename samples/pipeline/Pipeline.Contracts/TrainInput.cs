namespace Pipeline.Contracts;

/// <summary>Feature rows and their class labels, as many of each.</summary>
public sealed record TrainInput(float[][] Features, int[] Labels);
