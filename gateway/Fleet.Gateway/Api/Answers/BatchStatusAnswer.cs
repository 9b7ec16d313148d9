using System.Text.Json.Serialization;
using Fleet.Gateway.Jobs;

namespace Fleet.Gateway.Api;

/// <summary>The answer of <c>batch/status</c>: the status documents of the jobs found, in the order asked, and the ids not found.</summary>
public sealed record BatchStatusAnswer(
    [property: JsonPropertyName("jobs")] IReadOnlyList<JobStatusDocument> Jobs,
    [property: JsonPropertyName("missing")] IReadOnlyList<string> Missing);
