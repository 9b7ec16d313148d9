using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Fleet.Gateway.Api;

/// <summary>
/// One item of a <c>batch/run</c> answer: the accepted job's <c>{"id", "status"}</c>, or an
/// <c>error</c> problem document (400) naming the item's bad fields (<c>items[3].input.sleep_s</c>).
/// </summary>
public sealed record BatchRunItemAnswer(
    [property: JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    [property: JsonPropertyName("status"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Status,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HttpValidationProblemDetails? Error);
