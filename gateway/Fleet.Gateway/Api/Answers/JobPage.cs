using System.Text.Json.Serialization;
using Fleet.Gateway.Jobs;

namespace Fleet.Gateway.Api;

/// <summary>A page of jobs; <see cref="Next"/> is the <c>before</c> of the next page, null on the last.</summary>
public sealed record JobPage(
    [property: JsonPropertyName("jobs")] IReadOnlyList<JobStatusDocument> Jobs,
    [property: JsonPropertyName("next")] string? Next);
