using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.Gateway.Api;
using Fleet.Gateway.Auth;
using Fleet.Gateway.FrontDoor;
using Fleet.Gateway.Webhooks;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Admission;

/// <summary>
/// What <c>run</c>, <c>runsync</c> and <c>batch/run</c> check before accepting, cheapest first: the
/// endpoint is not failing (503) and its queue has room (429), the Idempotency-Key header is well formed (400), then the body: within
/// its limit and the body budget (413, 429/503), valid JSON text (<see cref="JsonTextCheck"/>), valid
/// fields (<see cref="SubmissionValidator"/>) and an allowed webhook (400 naming the field).
/// </summary>
public sealed class SubmissionAdmission(
    SubmissionValidator validator, FunctionInputSchemas functionSchemas, WebhookAddressGuard webhooks, ConfirmedAdmission queues,
    BodyBudget budget, IOptions<FrontDoorOptions> frontDoor)
{
    private static readonly TimeSpan s_queueFullRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_failingRetry = TimeSpan.FromSeconds(30);

    public long RunBodyLimit => frontDoor.Value.RunBodyLimitBytes;

    public long RunSyncBodyLimit => frontDoor.Value.RunSyncBodyLimitBytes;

    /// <summary>
    /// A refusal if the endpoint takes no jobs now: it is failing (its workers cannot start: 503 with their error, until a
    /// new version or a reset) or its queue is full (RunPod's admission rule: 429); else null.
    /// </summary>
    public async Task<ApiProblem?> EndpointRefusalAsync(EndpointDefinition endpoint, CancellationToken cancellationToken) =>
        endpoint.StartFailures is { Tripped: true } failures
            ? ApiProblems.Unavailable("The endpoint is failing.", failures.Failing(endpoint.Id)
                + $" Deploy a fixed version, or reset it (POST /{FleetNames.EndpointsRoute}/{endpoint.Id}/reset).", s_failingRetry)
        : await queues.IsFullAsync(endpoint, cancellationToken)
            ? ApiProblems.TooManyRequests($"Endpoint '{endpoint.Id}' has too many queued jobs; retry later.", s_queueFullRetry)
            : null;

    /// <summary>Admits or refuses one submission; an admitted one must be disposed once its job is stored.</summary>
    public async Task<AdmissionResult> AdmitAsync(EndpointDefinition endpoint, HttpContext http, long bodyLimit,
        CancellationToken cancellationToken)
    {
        if (await EndpointRefusalAsync(endpoint, cancellationToken) is { } full)
        {
            return AdmissionResult.Refused(endpoint, full);
        }

        if (!TryReadIdempotencyKey(http, endpoint.Id, out var idempotencyKey))
        {
            return AdmissionResult.Refused(endpoint, ApiProblems.BadRequest(FleetNames.IdempotencyKeyHeader,
                "Must be one value of 1 to 255 characters."));
        }

        var (body, unread) = await RequestBody.ReadAsync(http, bodyLimit, budget, cancellationToken);
        if (body is null)
        {
            return AdmissionResult.Refused(endpoint, unread!);
        }

        var errors = new Dictionary<string, string[]>();
        var submission = await ValidateAsync(body.Bytes, endpoint, errors, cancellationToken);
        if (submission is null)
        {
            body.Dispose();
            return AdmissionResult.Refused(endpoint, ApiProblems.BadRequest(errors));
        }

        return AdmissionResult.Admitted(endpoint, submission, idempotencyKey, body);
    }

    /// <summary>
    /// Validates one submission's JSON (a whole body, or an item of a batch body that passed <see cref="JsonTextCheck"/>);
    /// null with <paramref name="errors"/> filled if it is refused.
    /// </summary>
    public async Task<JobSubmission?> ValidateAsync(
        ReadOnlyMemory<byte> json, EndpointDefinition endpoint, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (JsonTextCheck.Find(json.Span) is { } broken)
        {
            errors[broken.Field] = [broken.Problem];
            return null;
        }

        var schema = await functionSchemas.GetAsync(endpoint, cancellationToken);
        var submission = validator.Validate(json, endpoint.Handler, schema, errors);
        if (submission?.Webhook is { } webhook && await webhooks.CheckAsync(new Uri(webhook), cancellationToken) is { } refused)
        {
            errors["webhook"] = [refused];
            return null;
        }

        return submission;
    }

    /// <summary>
    /// Reads the optional <c>Idempotency-Key</c> header into the digest stored on the job: scoped to the
    /// caller's API key and the endpoint, so two clients never collide on a key.
    /// </summary>
    private static bool TryReadIdempotencyKey(HttpContext http, string endpointId, out string? digest)
    {
        digest = null;
        if (!http.Request.Headers.TryGetValue(FleetNames.IdempotencyKeyHeader, out var values))
        {
            return true;
        }

        var key = values.ToString();
        if (key.Length is 0 or > 255 || values.Count > 1)
        {
            return false;
        }

        digest = IdempotencyKeys.Digest(ApiKeyFilter.CallerOf(http), endpointId, key);
        return true;
    }
}
