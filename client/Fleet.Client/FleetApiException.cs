using System.Net;
using System.Text.Json;

namespace Fleet.Client;

/// <summary>
/// The server refused a request: a problem document (RFC 7807) with its HTTP status, or a bad
/// answer. A 400 names the fields at fault in <see cref="Errors"/> (<c>input.sleep_s</c>).
/// </summary>
public sealed class FleetApiException : Exception
{
    /// <summary>Made by the client from an answer.</summary>
    internal FleetApiException(HttpStatusCode statusCode, string? title, string? detail,
        IReadOnlyDictionary<string, string[]> errors, string request)
        : base($"{request} answered {(int)statusCode} {title}{(detail is null ? "" : ": " + detail)}")
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
        Errors = errors;
    }

    /// <summary>The HTTP status (400 for an item of a batch that was refused on its own).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's title.</summary>
    public string? Title { get; }

    /// <summary>The problem's detail.</summary>
    public string? Detail { get; }

    /// <summary>Field problems by field path, empty when there are none.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>Reads a problem document (or anything else) answered with <paramref name="statusCode"/>.</summary>
    internal static FleetApiException From(HttpStatusCode statusCode, ReadOnlySpan<byte> body, string request)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            return From(statusCode, document.RootElement, request);
        }
        catch (JsonException)
        {
            var text = System.Text.Encoding.UTF8.GetString(body);
            return new FleetApiException(statusCode, "not a JSON answer", text.Length > 200 ? text[..200] : text,
                new Dictionary<string, string[]>(), request);
        }
    }

    /// <summary>Reads a problem document.</summary>
    internal static FleetApiException From(HttpStatusCode statusCode, JsonElement problem, string request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("errors", out var fields)
            && fields.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in fields.EnumerateObject())
            {
                errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                    ? [.. field.Value.EnumerateArray().Select(m => m.ToString())]
                    : [field.Value.ToString()];
            }
        }

        return new FleetApiException(statusCode, Text(problem, "title"), Text(problem, "detail") ?? Text(problem, "error"),
            errors, request);
    }

    private static string? Text(JsonElement problem, string field) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
