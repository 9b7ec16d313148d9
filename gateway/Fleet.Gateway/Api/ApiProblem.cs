using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Fleet.Gateway.Api;

/// <summary>
/// An error answer: an RFC 7807 problem document, sent as <c>application/json</c> because API.md
/// promises that content type for every answer under <c>/v2</c> (RunPod clients parse every body), its
/// runtime type written (a validation problem's <c>errors</c> too), with <c>Retry-After</c> when the
/// client should come back. Typed, so a route's <c>Results&lt;Ok&lt;T&gt;, ApiProblem&gt;</c> says what it answers.
/// </summary>
public sealed class ApiProblem : IResult, IStatusCodeHttpResult, IValueHttpResult, IEndpointMetadataProvider
{
    public const string ContentType = "application/json";

    internal ApiProblem(ProblemDetails problem, TimeSpan? retryAfter = null)
    {
        problem.Type ??= $"https://httpstatuses.io/{problem.Status}";
        Problem = problem;
        RetryAfter = retryAfter;
    }

    public ProblemDetails Problem { get; }

    /// <summary>When the client may try again (whole seconds, at least one, in the header).</summary>
    public TimeSpan? RetryAfter { get; }

    public int? StatusCode => Problem.Status;

    object? IValueHttpResult.Value => Problem;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        if (RetryAfter is { } wait)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString();
        }

        httpContext.Response.StatusCode = Problem.Status ?? StatusCodes.Status500InternalServerError;
        // As object, so the serializer writes the runtime type (a validation problem's 'errors' too).
        await httpContext.Response.WriteAsJsonAsync((object)Problem, options: null, ContentType);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(ProblemDetails), [ContentType]));
}
