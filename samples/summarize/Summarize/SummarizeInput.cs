using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Summarize;

/// <summary>Rows of records, each a JSON object: <c>{"rows": [{"city": "Oslo", "temp": 3.5}, …]}</c>.</summary>
public sealed record SummarizeInput
{
    [Required]
    [Length(1, 100_000)]
    [Description("The records to summarise, each a JSON object")]
    public IReadOnlyList<Dictionary<string, JsonElement>> Rows { get; init; } = [];
}
