namespace Pipeline.Contracts;

/// <summary>A nearest-centroid classifier: the mean feature row of each class.</summary>
public sealed record ClassifierModel(int[] Classes, float[][] Centroids);
