using Microsoft.AspNetCore.Mvc;

namespace Fleet.Gateway.Api;

/// <summary>
/// Problem-details answers (RFC 7807 documents). Sent as <c>application/json</c>, because API.md
/// promises that content type for every answer under <c>/v2</c> (RunPod clients parse every body).
/// </summary>
public static class ApiProblems
{
    public const string ContentType = "application/json";

    public static IResult BadRequest(IDictionary<string, string[]> errors) =>
        Write(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
        });

    public static IResult Unauthorized() =>
        Problem(StatusCodes.Status401Unauthorized, "A valid API key is required.",
            "Send 'Authorization: Bearer <key>' or 'Authorization: <key>'.");

    public static IResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "Not allowed for this API key.", detail);

    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found.", detail);

    /// <summary>429 with Retry-After (whole seconds, at least one).</summary>
    public static IResult TooManyRequests(string detail, TimeSpan retryAfter, HttpContext context)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
        return Problem(StatusCodes.Status429TooManyRequests, "Too many requests.", detail);
    }

    public static IResult TooLarge(long limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "The body is too large.", $"This route accepts bodies of at most {limit} bytes.");

    /// <summary>503 with Retry-After: the gateway cannot take this request now; nothing was changed.</summary>
    public static IResult Unavailable(string detail, HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return Problem(StatusCodes.Status503ServiceUnavailable, "The gateway is busy.", detail);
    }

    /// <summary>
    /// A body the server could not read: broken framing (400) or one that stopped arriving (408).
    /// A client's fault, answered as such, with no stack trace logged.
    /// </summary>
    public static IResult UnreadableBody(int status, string detail) =>
        Problem(status, "The request body could not be read.", detail);

    public static IResult Conflict(string detail) => Problem(StatusCodes.Status409Conflict, "Not allowed in the job's state.", detail);

    public static ProblemDetails Create(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };

    public static IResult Problem(int status, string title, string detail) => Write(Create(status, title, detail));

    private static IResult Write(ProblemDetails problem)
    {
        problem.Type ??= $"https://httpstatuses.io/{problem.Status}";
        // As object, so the serializer writes the runtime type (a validation problem's 'errors' too).
        return Results.Json((object)problem, options: null, ContentType, problem.Status);
    }
}
