using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Fleet.Gateway.Api;

/// <summary>Reads a request's JSON body within a size limit; what is wrong with it is a 413 or a 400 naming <c>body</c>.</summary>
public static class JsonBodies
{
    public static async Task<(JsonDocument? Body, IResult? Problem)> ReadAsync(
        HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (null, ApiProblems.TooLarge(limit));
        }

        // A body without a length (chunked) is cut off by the server at the same limit.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        try
        {
            return (await JsonDocument.ParseAsync(request.Body, default, cancellationToken), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiProblems.TooLarge(limit));
        }
        catch (JsonException e)
        {
            return (null, ApiProblems.BadRequest(new Dictionary<string, string[]>
                { ["body"] = [$"The body is not valid JSON: {e.Message}"] }));
        }
    }
}
