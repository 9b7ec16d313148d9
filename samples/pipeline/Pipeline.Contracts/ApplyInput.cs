namespace Pipeline.Contracts;

/// <summary>A trained model and the feature rows to label.</summary>
public sealed record ApplyInput(ClassifierModel Model, float[][] Features);
