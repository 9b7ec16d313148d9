using System.Text.Json;
using Fleet.Contracts;
using Fleet.Gateway.Admission;
using Fleet.Gateway.Auth;
using Fleet.Gateway.FrontDoor;
using Fleet.Gateway.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.Gateway.Api;

/// <summary>
/// Fleet additions for clients that run many jobs (a map): many submissions in one request, and the
/// states of many jobs in one long-poll request. RunPod's routes are unchanged by them.
/// </summary>
public static class BatchApi
{
    public static RouteGroupBuilder MapBatchApi(this RouteGroupBuilder v2)
    {
        v2.MapPost("/batch/run", RunAsync);
        // A read, though a POST (a thousand ids do not fit in a URL): read-only keys may use it.
        v2.MapPost("/batch/status", StatusAsync).WithMetadata(new AllowReadOnlyKeysAttribute());
        return v2;
    }

    /// <summary>
    /// Accepts every valid item as <c>/run</c> would, together (the acceptor group-commits them); a bad
    /// item is answered with its own 400 problem and does not stop the others. As for <c>/run</c>, a batch
    /// is refused whole while the queue is full, and admitted whole otherwise.
    /// </summary>
    private static async Task<Results<Ok<BatchRunAnswer>, ApiProblem>> RunAsync(
        JobEndpoint endpoint, HttpContext http, SubmissionAdmission admission, BodyBudget budget, JobSubmitter submitter,
        CancellationToken cancellationToken)
    {
        if (await admission.EndpointRefusalAsync(endpoint.Definition, cancellationToken) is { } full)
        {
            return full;
        }

        var (body, unread) = await RequestBody.ReadAsync(http, admission.RunBodyLimit, budget, cancellationToken);
        if (body is null)
        {
            return unread!;
        }

        // The body is held (and counted against the budget) until its items' jobs are stored: their inputs are slices of it.
        using (body)
        {
            if (!BatchBody.TryFindItems(body.Bytes.Span, "items", out var items, out var errors))
            {
                return ApiProblems.BadRequest(errors);
            }

            var caller = ApiKeyFilter.CallerOf(http);
            var answers = new BatchRunItemAnswer[items.Count];
            var accepting = new List<Task>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                var itemErrors = new Dictionary<string, string[]>();
                var item = body.Bytes[items[i]];
                var submission = await admission.ValidateAsync(item, endpoint.Definition, itemErrors, cancellationToken);
                var key = ItemKey(item.Span, caller, endpoint.Id, itemErrors);
                if (submission is null || itemErrors.Count > 0)
                {
                    answers[i] = new BatchRunItemAnswer(null, null, ItemProblem(i, itemErrors));
                    continue;
                }

                accepting.Add(AcceptAsync(i, submission, key));
            }

            // Enqueued together, so the acceptor commits them in one batch (or a few, past its batch size).
            await Task.WhenAll(accepting);
            return TypedResults.Ok(new BatchRunAnswer(answers));

            async Task AcceptAsync(int index, JobSubmission submission, string? key)
            {
                var id = await submitter.AcceptAsync(Guid.CreateVersion7(), endpoint.Definition, submission, key,
                    answeredAfterEnding: false, cancellationToken);
                answers[index] = new BatchRunItemAnswer(id.ToString(), JobStatusNames.InQueue, null);
            }
        }
    }

    /// <summary>
    /// The status documents of the listed jobs; with <c>wait</c> (ms), once at least one of them is final
    /// (at once if one already is) or the wait is over. Ids of no job of this endpoint are listed in <c>missing</c>.
    /// </summary>
    private static async Task<Results<Ok<BatchStatusAnswer>, ApiProblem>> StatusAsync(
        JobEndpoint endpoint, HttpContext http, SubmissionAdmission admission, BodyBudget budget, JobStatusWaits waits,
        CancellationToken cancellationToken)
    {
        var (body, unread) = await RequestBody.ReadAsync(http, admission.RunBodyLimit, budget, cancellationToken);
        if (body is null)
        {
            return unread!;
        }

        List<string> ids;
        int wait;
        using (body)
        {
            if (!BatchBody.TryFindItems(body.Bytes.Span, "ids", out _, out var errors))
            {
                return ApiProblems.BadRequest(errors);
            }

            using var document = JsonDocument.Parse(body.Bytes);
            (ids, wait) = ReadStatusQuery(document.RootElement, errors);
            if (errors.Count > 0)
            {
                return ApiProblems.BadRequest(errors);
            }
        }

        var asked = ids.Distinct(StringComparer.Ordinal).Select(id => (Text: id, Id: Guid.TryParse(id, out var guid) ? guid : (
            Guid?)null)).ToList();
        var found = (await waits.WhenAnyEndedAsync(
                endpoint.Id, [.. asked.Where(a => a.Id is not null).Select(a => a.Id!.Value)], TimeSpan.FromMilliseconds(wait),
                    cancellationToken))
            .ToDictionary(d => Guid.Parse(d.Id));
        return TypedResults.Ok(new BatchStatusAnswer(
            [.. asked.Where(a => a.Id is { } id && found.ContainsKey(id)).Select(a => found[a.Id!.Value])],
            [.. asked.Where(a => a.Id is not { } id || !found.ContainsKey(id)).Select(a => a.Text)]));
    }

    private static (List<string> Ids, int Wait) ReadStatusQuery(JsonElement root, Dictionary<string, string[]> errors)
    {
        var items = root.GetProperty("ids").EnumerateArray().ToList();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].ValueKind != JsonValueKind.String)
            {
                errors[$"ids[{i}]"] = ["Must be a job id (a string)."];
            }
        }

        var wait = 0;
        if (root.TryGetProperty("wait", out var field) && field.ValueKind != JsonValueKind.Null
            && !(field.ValueKind == JsonValueKind.Number && field.TryGetInt32(out wait) && wait is >= 0 and <= JobStatusWaits.MaxWaitMs))
        {
            errors["wait"] = [$"Must be an integer from 0 to {JobStatusWaits.MaxWaitMs} (ms)."];
        }

        return ([.. items.Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)], wait);
    }

    /// <summary>The item's <c>idempotencyKey</c> as the digest stored on the job (as the header's); a bad one is an error.</summary>
    private static string? ItemKey(ReadOnlySpan<byte> item, string caller, string endpointId, Dictionary<string, string[]> errors)
    {
        switch (BatchBody.ItemKey(item))
        {
            case { Length: > 0 and <= 255 } text:
                return IdempotencyKeys.Digest(caller, endpointId, text);
            case { }:
                errors["idempotencyKey"] = ["Must be a string of 1 to 255 characters."];
                return null;
            default:
                return null;
        }
    }

    /// <summary>The item's problems under their path in the request: <c>items[3].input.sleep_s</c>.</summary>
    private static HttpValidationProblemDetails ItemProblem(int index, Dictionary<string, string[]> errors)
    {
        var named = errors.ToDictionary(e => e.Key == "body" ? $"items[{index}]" : $"items[{index}].{e.Key}", e => e.Value);
        return new HttpValidationProblemDetails(named)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The item is not valid.",
            Detail = string.Join(" ", named.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            Type = $"https://httpstatuses.io/{StatusCodes.Status400BadRequest}",
        };
    }
}
