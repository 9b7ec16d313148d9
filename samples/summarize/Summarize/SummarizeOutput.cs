namespace Summarize;

/// <summary>
/// How many rows, which columns (in order of first appearance), how many rows give each column a
/// value (not null), and the mean of each column whose values are all numbers.
/// </summary>
public sealed record SummarizeOutput(
    int Rows,
    IReadOnlyList<string> Columns,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyDictionary<string, double> Means);
