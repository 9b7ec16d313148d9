using System.Text.Json.Serialization;

namespace Fleet.Bench;

/// <summary>Source-generated serializers: no reflection and no per-call metadata work.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(JobStatus))]
[JsonSerializable(typeof(BenchSummary))]
public sealed partial class BenchJsonContext : JsonSerializerContext;
