using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Contracts.Jobs.Echo;

/// <summary>Input of the diagnostic <c>echo</c> handler (API.md, "Diagnostic endpoint").</summary>
[HandlerInput("echo")]
public sealed record EchoInput
{
    [JsonPropertyName("echo")]
    public JsonElement? Echo { get; init; }

    [JsonPropertyName("sleep_s")]
    [Range(0d, 86_400d, ErrorMessage = "Must be a number of seconds from {1} to {2}.")]
    public double? SleepSeconds { get; init; }

    /// <summary>While sleeping, report progress this often (Fleet addition, for trying progress reports).</summary>
    [JsonPropertyName("progress_every_s")]
    [Range(0.05d, 3_600d, ErrorMessage = "Must be a number of seconds from {1} to {2}.")]
    public double? ProgressEverySeconds { get; init; }

    /// <summary>
    /// Sleep without watching the cancellation token, as a misbehaving handler would (Fleet addition, for trying the worker's
    /// grace period).
    /// </summary>
    [JsonPropertyName("ignore_cancel")]
    public bool IgnoreCancel { get; init; }

    [JsonPropertyName("fail")]
    public string? Fail { get; init; }

    [JsonPropertyName("stream")]
    public IReadOnlyList<JsonElement>? Stream { get; init; }
}
