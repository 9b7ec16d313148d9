using Microsoft.AspNetCore.Mvc;

namespace Fleet.Gateway.Api;

/// <summary>The error answers of the API, as <see cref="ApiProblem"/>s.</summary>
public static class ApiProblems
{
    public static ApiProblem BadRequest(IDictionary<string, string[]> errors) =>
        new(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
        });

    public static ApiProblem BadRequest(string field, string problem) => BadRequest(new Dictionary<string,
        string[]> { [field] = [problem] });

    public static ApiProblem Unauthorized() =>
        Problem(StatusCodes.Status401Unauthorized, "A valid API key is required.",
            "Send 'Authorization: Bearer <key>' or 'Authorization: <key>'.");

    public static ApiProblem Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "Not allowed for this API key.", detail);

    public static ApiProblem NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found.", detail);

    public static ApiProblem Conflict(string detail) => Problem(StatusCodes.Status409Conflict, "Not allowed in the job's state.", detail);

    public static ApiProblem TooLarge(long limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "The body is too large.", $"This route accepts bodies of at most {limit} bytes.");

    /// <summary>429 with Retry-After.</summary>
    public static ApiProblem TooManyRequests(string detail, TimeSpan retryAfter) =>
        new(Create(StatusCodes.Status429TooManyRequests, "Too many requests.", detail), retryAfter);

    /// <summary>503 with Retry-After: the gateway cannot take this request now; nothing was changed.</summary>
    public static ApiProblem Unavailable(string title, string detail, TimeSpan retryAfter) =>
        new(Create(StatusCodes.Status503ServiceUnavailable, title, detail), retryAfter);

    /// <summary>
    /// A body the server could not read: broken framing (400) or one that stopped arriving (408).
    /// A client's fault, answered as such, with no stack trace logged.
    /// </summary>
    public static ApiProblem UnreadableBody(int status, string detail) => Problem(status, "The request body could not be read.", detail);

    public static ApiProblem Problem(int status, string title, string detail) => new(Create(status, title, detail));

    public static ProblemDetails Create(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };
}
