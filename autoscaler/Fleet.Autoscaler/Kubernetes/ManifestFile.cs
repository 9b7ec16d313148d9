namespace Fleet.Autoscaler.Kubernetes;

/// <summary>One generated file: its name under the output folder and its YAML.</summary>
public sealed record ManifestFile(string Name, string Content);
