namespace Pipeline.Contracts;

/// <summary>One predicted label per feature row.</summary>
public sealed record ApplyOutput(int[] Labels);
