using System.Text.Json;
using Fleet.Contracts.Endpoints;
using Fleet.Gateway.Admission;
using Fleet.Gateway.Auth;
using Fleet.Gateway.FrontDoor;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Webhooks;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Api.Batch;

/// <summary>
/// Fleet additions for clients that run many jobs (a map): many submissions in one request, and
/// the states of many jobs in one long-poll request. RunPod's routes are unchanged by them.
/// </summary>
public static class BatchApi
{
    /// <summary>Most items in one <c>batch/run</c> and most ids in one <c>batch/status</c>.</summary>
    public const int MaxItems = 1000;

    public static IEndpointRouteBuilder MapBatchApi(this IEndpointRouteBuilder app)
    {
        var batch = app.MapGroup("/v2/{endpointId}/batch").AddEndpointFilter<ApiKeyFilter>();
        batch.MapPost("/run", RunAsync);
        // A read, though a POST (a thousand ids do not fit in a URL): read-only keys may use it.
        batch.MapPost("/status", StatusAsync).WithMetadata(new AllowReadOnlyKeysAttribute());
        return app;
    }

    /// <summary>
    /// Accepts every valid item as <c>/run</c> would, together (the acceptor group-commits them);
    /// a bad item is answered with its own 400 problem and does not stop the others.
    /// </summary>
    private static async Task<IResult> RunAsync(
        string endpointId, HttpRequest request, EndpointCatalog endpoints, SubmissionValidator validator, JobService jobs,
        ConfirmedAdmission admission, IOptions<FrontDoorOptions> frontDoor, WebhookAddressGuard webhooks, BodyBudget budget,
        CancellationToken cancellationToken)
    {
        if (!endpoints.TryGet(endpointId, out var endpoint))
        {
            return ApiProblems.NotFound($"There is no endpoint '{endpointId}'.");
        }

        // As for /run: a batch is refused whole while the queue is full, and admitted whole otherwise.
        if (await admission.IsFullAsync(endpoint, cancellationToken))
        {
            return ApiProblems.TooManyRequests(
                $"Endpoint '{endpoint.Id}' has too many queued jobs; retry later.", TimeSpan.FromSeconds(5), request.HttpContext);
        }

        var (body, unread) = await RequestBody.ReadAsync(request.HttpContext, frontDoor.Value.RunBodyLimitBytes, budget, cancellationToken);
        if (body is null)
        {
            return unread!;
        }

        // The body is held (and counted against the budget) until its accepted items are stored: their inputs are slices of it.
        using (body)
        {
            if (!TryFindItems(body.Bytes.Span, "items", out var items, out var errors))
            {
                return ApiProblems.BadRequest(errors);
            }

            var caller = ApiKeyFilter.CallerOf(request.HttpContext);
            var answers = new BatchRunItemAnswer[items.Count];
            var accepting = new List<Task>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                var (submission, idempotencyKey, itemErrors) =
                    await ReadItemAsync(body.Bytes[items[i]], endpoint, validator, webhooks, caller, cancellationToken);
                if (submission is null)
                {
                    answers[i] = new BatchRunItemAnswer(null, null, ItemProblem(i, itemErrors));
                    continue;
                }

                accepting.Add(AcceptAsync(i, submission, idempotencyKey));
            }

            // Enqueued together, so the acceptor commits them in one batch (or a few, past its batch size).
            await Task.WhenAll(accepting);
            return TypedResults.Ok(new BatchRunAnswer(answers));

            async Task AcceptAsync(int index, JobSubmission submission, string? idempotencyKey)
            {
                var id = await jobs.AcceptAsync(Guid.CreateVersion7(), endpoint, submission, idempotencyKey,
                    answeredAfterEnding: false, cancellationToken);
                answers[index] = new BatchRunItemAnswer(id.ToString(), JobStatusNames.InQueue, null);
            }
        }
    }

    /// <summary>One item: a <c>/run</c> body plus an optional <c>idempotencyKey</c> that acts like the header.</summary>
    private static async Task<(JobSubmission?, string?, Dictionary<string, string[]>)> ReadItemAsync(
        ReadOnlyMemory<byte> item, EndpointDefinition endpoint, SubmissionValidator validator, WebhookAddressGuard webhooks, string caller,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var submission = validator.Validate(item, endpoint.Handler, errors);
        string? idempotencyKey = null;
        switch (ItemKey(item.Span))
        {
            case { Length: > 0 and <= 255 } text:
                idempotencyKey = IdempotencyKeys.Digest(caller, endpoint.Id, text);
                break;
            case { }:
                errors["idempotencyKey"] = ["Must be a string of 1 to 255 characters."];
                break;
        }

        if (submission?.Webhook is { } webhook && await webhooks.CheckAsync(new Uri(webhook), cancellationToken) is { } refused)
        {
            errors["webhook"] = [refused];
        }

        return errors.Count == 0 ? (submission, idempotencyKey, errors) : (null, null, errors);
    }

    /// <summary>The item's <c>idempotencyKey</c>: null if absent or null, "" if it is not a string (a problem to report).</summary>
    private static string? ItemKey(ReadOnlySpan<byte> item)
    {
        var reader = new Utf8JsonReader(item);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isKey = reader.ValueTextEquals("idempotencyKey"u8);
            reader.Read();
            if (isKey)
            {
                return reader.TokenType switch
                {
                    JsonTokenType.Null => null,
                    JsonTokenType.String => reader.GetString(),
                    _ => "",
                };
            }

            reader.Skip();
        }

        return null;
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

    /// <summary>
    /// The status documents of the listed jobs; with <c>wait</c> (ms), once at least one of them is
    /// final (at once if one already is) or the wait is over. Ids of no job of this endpoint are
    /// listed in <c>missing</c>.
    /// </summary>
    private static async Task<IResult> StatusAsync(
        string endpointId, HttpRequest request, EndpointCatalog endpoints, JobStatusWaits waits, IOptions<FrontDoorOptions> frontDoor,
        BodyBudget budget, CancellationToken cancellationToken)
    {
        if (!endpoints.TryGet(endpointId, out _))
        {
            return ApiProblems.NotFound($"There is no endpoint '{endpointId}'.");
        }

        var (body, unread) = await RequestBody.ReadAsync(request.HttpContext, frontDoor.Value.RunBodyLimitBytes, budget, cancellationToken);
        if (body is null)
        {
            return unread!;
        }

        List<string> ids;
        var wait = 0;
        using (body)
        {
            if (!TryFindItems(body.Bytes.Span, "ids", out _, out var errors))
            {
                return ApiProblems.BadRequest(errors);
            }

            using var document = JsonDocument.Parse(body.Bytes);
            var items = document.RootElement.GetProperty("ids").EnumerateArray().ToList();
            ids = [.. items.Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)];
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].ValueKind != JsonValueKind.String)
                {
                    errors[$"ids[{i}]"] = ["Must be a job id (a string)."];
                }
            }

            if (document.RootElement.TryGetProperty("wait", out var waitField) && waitField.ValueKind != JsonValueKind.Null
                && !(waitField.ValueKind == JsonValueKind.Number && waitField.TryGetInt32(out wait)
                    && wait is >= 0 and <= JobStatusWaits.MaxWaitMs))
            {
                errors["wait"] = [$"Must be an integer from 0 to {JobStatusWaits.MaxWaitMs} (ms)."];
            }

            if (errors.Count > 0)
            {
                return ApiProblems.BadRequest(errors);
            }
        }

        var asked = ids.Distinct(StringComparer.Ordinal)
            .Select(id => (Text: id, Id: Guid.TryParse(id, out var guid) ? guid : (Guid?)null)).ToList();
        var found = (await waits.WhenAnyEndedAsync(
                endpointId, [.. asked.Where(a => a.Id is not null).Select(a => a.Id!.Value)],
                    TimeSpan.FromMilliseconds(wait), cancellationToken))
            .ToDictionary(d => Guid.Parse(d.Id));
        return TypedResults.Ok(new BatchStatusAnswer(
            [.. asked.Where(a => a.Id is { } id && found.ContainsKey(id)).Select(a => found[a.Id!.Value])],
            [.. asked.Where(a => a.Id is not { } id || !found.ContainsKey(id)).Select(a => a.Text)]));
    }

    /// <summary>
    /// Where each element of the body's <paramref name="field"/> array lies (1 to <see cref="MaxItems"/>), after the
    /// checks every body passes (<see cref="JsonTextCheck"/>).
    /// </summary>
    private static bool TryFindItems(ReadOnlySpan<byte> body, string field, out List<Range> items, out Dictionary<string, string[]> errors)
    {
        errors = [];
        items = [];
        if (JsonTextCheck.Find(body) is { } broken)
        {
            errors[broken.Field] = [broken.Problem];
            return false;
        }

        var reader = new Utf8JsonReader(body);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            errors["body"] = [$"The body must be a JSON object with an '{field}' array."];
            return false;
        }

        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isField = reader.ValueTextEquals(field);
            reader.Read();
            if (!isField || reader.TokenType != JsonTokenType.StartArray)
            {
                found |= isField;
                reader.Skip();
                continue;
            }

            found = true;
            items.Clear();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                items.Add(new Range(start, (int)reader.BytesConsumed));
            }
        }

        if (!found || items.Count is 0 or > MaxItems)
        {
            errors[field] = [$"Must be an array of 1 to {MaxItems} elements."];
        }

        return errors.Count == 0;
    }
}
