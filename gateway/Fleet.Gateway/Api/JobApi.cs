using Fleet.Contracts;
using Fleet.Gateway.Admission;
using Fleet.Contracts.Endpoints;
using Fleet.Gateway.Auth;
using Fleet.Gateway.FrontDoor;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Webhooks;
using Fleet.Gateway.Workers;
using Fleet.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Api;

/// <summary>The RunPod-shaped job routes under <c>/v2/{endpointId}</c> (API.md).</summary>
public static class JobApi
{
    private const int DefaultWaitMs = 90_000;
    private const int MinWaitMs = 1_000;
    private const int MaxWaitMs = 300_000;

    public static IEndpointRouteBuilder MapJobApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2/{endpointId}").AddEndpointFilter<ApiKeyFilter>();
        v2.MapPost("/run", RunAsync);
        v2.MapPost("/runsync", RunSyncAsync);
        v2.MapGet("/status/{jobId}", StatusAsync);
        v2.MapGet("/stream/{jobId}", StreamAsync);
        v2.MapGet("/health", HealthAsync);
        v2.MapPost("/purge-queue", PurgeQueueAsync);
        v2.MapPost("/cancel/{jobId}", CancelAsync);
        v2.MapPost("/retry/{jobId}", RetryAsync);
        // Fleet additions: the dead letters (jobs that ended FAILED or TIMED_OUT) and their re-drive.
        v2.MapGet("/jobs", ListAsync);
        v2.MapPost("/redrive", RedriveAsync);
        v2.MapGet("/webhooks/{jobId}", DeliveriesAsync);
        v2.MapPost("/webhooks/{jobId}/resend", ResendWebhookAsync);
        // Anything else under /v2 is a JSON 404 too, so RunPod clients can always parse the body.
        app.MapFallback("/v2/{**rest}", () => ApiProblems.NotFound("No such route. See API.md for the routes under /v2/{endpointId}."));
        return app;
    }

    private static async Task<IResult> RunAsync(
        string endpointId, HttpRequest request, EndpointCatalog endpoints, SubmissionValidator validator, JobService jobs,
        QueueDepths depths, IOptions<FrontDoorOptions> frontDoor, WebhookAddressGuard webhooks, BodyBudget budget, CancellationToken cancellationToken)
    {
        var (admitted, problem) = await AdmitAsync(
            endpointId, request, endpoints, validator, depths, webhooks, budget, frontDoor.Value.RunBodyLimitBytes, cancellationToken);
        if (admitted is null)
        {
            return problem!;
        }

        using var body = admitted.Body;
        var jobId = await jobs.AcceptAsync(
            Guid.CreateVersion7(), admitted.Endpoint, admitted.Submission, admitted.IdempotencyKey, answeredAfterEnding: false, cancellationToken);
        return TypedResults.Ok(new JobIdAndStatus(jobId.ToString(), JobStatusNames.InQueue));
    }

    private static async Task<IResult> RunSyncAsync(
        string endpointId, HttpRequest request, string? wait, EndpointCatalog endpoints, SubmissionValidator validator, JobService jobs,
        JobCompletionNotifier notifier, QueueDepths depths, IOptions<FrontDoorOptions> frontDoor, WebhookAddressGuard webhooks,
        BodyBudget budget, CancellationToken cancellationToken)
    {
        if (!QueryNumber.TryRead(wait, MinWaitMs, MaxWaitMs, DefaultWaitMs, out var waitMs))
        {
            return ApiProblems.BadRequest(new Dictionary<string, string[]> { ["wait"] = [$"Must be a whole number of ms from {MinWaitMs} to {MaxWaitMs}."] });
        }

        var (admitted, problem) = await AdmitAsync(
            endpointId, request, endpoints, validator, depths, webhooks, budget, frontDoor.Value.RunSyncBodyLimitBytes, cancellationToken);
        if (admitted is null)
        {
            return problem!;
        }

        var waitFor = TimeSpan.FromMilliseconds(waitMs);
        var jobId = Guid.CreateVersion7();
        var ended = notifier.Watch(jobId);
        try
        {
            Guid accepted;
            using (admitted.Body)
            {
                // The body's bytes are held (and counted against the body budget) only until the job is stored.
                accepted = await jobs.AcceptAsync(
                    jobId, admitted.Endpoint, admitted.Submission, admitted.IdempotencyKey, answeredAfterEnding: true, cancellationToken);
            }

            if (accepted != jobId)
            {
                // A repeated idempotency key: wait for the first job instead, which may have ended already.
                notifier.Forget(jobId);
                jobId = accepted;
                ended = notifier.Watch(jobId);
                if (await jobs.FindAsync(endpointId, jobId, cancellationToken) is { } current && JobStatusNames.IsFinal(JobStatusNames.Parse(current.Status)))
                {
                    return TypedResults.Ok(current);
                }
            }

            return TypedResults.Ok(await ended.WaitAsync(waitFor, cancellationToken));
        }
        catch (TimeoutException)
        {
            // The wait ended first: answer like RunPod, with the job's current (non-final) status and id.
        }
        finally
        {
            notifier.Forget(jobId);
        }

        // Its id is handed out now, before its ending: it must be on disk first.
        if (!await jobs.EnsureDurableAsync(jobId, cancellationToken))
        {
            return ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "The job was lost.", "The job store restarted before the job was stored; submit it again.");
        }

        return TypedResults.Ok(await jobs.FindAsync(endpointId, jobId, cancellationToken));
    }

    /// <summary>
    /// What <c>run</c> and <c>runsync</c> check before accepting, in order: the endpoint exists (404),
    /// its queue has room (429), the body is within its limit, valid JSON with valid fields and an
    /// allowed webhook (413, 400), and the Idempotency-Key header is well formed (400).
    /// </summary>
    private static async Task<(Admitted?, IResult?)> AdmitAsync(
        string endpointId, HttpRequest request, EndpointCatalog endpoints, SubmissionValidator validator, QueueDepths depths,
        WebhookAddressGuard webhooks, BodyBudget budget, long bodyLimit, CancellationToken cancellationToken)
    {
        if (!endpoints.TryGet(endpointId, out var endpoint))
        {
            return (null, UnknownEndpoint(endpointId));
        }

        if (depths.IsFull(endpoint))
        {
            return (null, ApiProblems.TooManyRequests(
                $"Endpoint '{endpoint.Id}' has too many queued jobs; retry later.", TimeSpan.FromSeconds(5), request.HttpContext));
        }

        if (!TryReadIdempotencyKey(request, endpoint.Id, out var idempotencyKey, out var refused))
        {
            return (null, refused);
        }

        var (body, submission, problem) = await ReadSubmissionAsync(request, endpoint, validator, webhooks, budget, bodyLimit, cancellationToken);
        return submission is null ? (null, problem) : (new Admitted(endpoint, submission, idempotencyKey, body!), null);
    }

    /// <summary>An admitted submission and the body it is a view of, held until the job is stored.</summary>
    private sealed record Admitted(EndpointDefinition Endpoint, JobSubmission Submission, string? IdempotencyKey, RequestBody Body);

    /// <summary>
    /// Reads the optional <c>Idempotency-Key</c> header into the digest stored on the job: scoped to
    /// the caller's API key and the endpoint, so two clients never collide on a key.
    /// </summary>
    private static bool TryReadIdempotencyKey(HttpRequest request, string endpointId, out string? digest, out IResult? problem)
    {
        digest = null;
        problem = null;
        if (!request.Headers.TryGetValue(FleetNames.IdempotencyKeyHeader, out var values))
        {
            return true;
        }

        var key = values.ToString();
        if (key.Length is 0 or > 255 || values.Count > 1)
        {
            problem = ApiProblems.BadRequest(new Dictionary<string, string[]>
            {
                [FleetNames.IdempotencyKeyHeader] = ["Must be one value of 1 to 255 characters."],
            });
            return false;
        }

        digest = IdempotencyKeys.Digest(ApiKeyFilter.CallerOf(request.HttpContext), endpointId, key);
        return true;
    }

    private static async Task<IResult> StatusAsync(
        string endpointId, string jobId, string? wait, EndpointCatalog endpoints, JobService jobs, JobStatusWaits waits,
        CancellationToken cancellationToken)
    {
        if (!endpoints.TryGet(endpointId, out _))
        {
            return UnknownEndpoint(endpointId);
        }

        if (!QueryNumber.TryRead(wait, 0, JobStatusWaits.MaxWaitMs, 0, out var waitMs))
        {
            return ApiProblems.BadRequest(new Dictionary<string, string[]> { ["wait"] = [$"Must be a whole number of ms from 0 to {JobStatusWaits.MaxWaitMs}."] });
        }

        // Fleet addition: with ?wait=ms the answer comes once the job is final or the wait is over.
        var document = !Guid.TryParse(jobId, out var id) ? null
            : waitMs > 0 ? await waits.WhenEndedAsync(endpointId, id, TimeSpan.FromMilliseconds(waitMs), cancellationToken)
            : await jobs.FindAsync(endpointId, id, cancellationToken);
        return document is null ? ApiProblems.NotFound($"Endpoint '{endpointId}' has no job '{jobId}'.") : TypedResults.Ok(document);
    }

    private static async Task<IResult> StreamAsync(
        string endpointId, string jobId, EndpointCatalog endpoints, JobService jobs, CancellationToken cancellationToken)
    {
        var page = endpoints.TryGet(endpointId, out _) && Guid.TryParse(jobId, out var id)
            ? await jobs.TakeStreamAsync(endpointId, id, cancellationToken)
            : null;
        return page is null
            ? ApiProblems.NotFound($"Endpoint '{endpointId}' has no job '{jobId}'.")
            : TypedResults.Ok(new StreamAnswer(jobId, page.Status, [.. page.Chunks.Select(c => new StreamAnswer.Item(c))]));
    }

    private static async Task<IResult> HealthAsync(
        string endpointId, EndpointCatalog endpoints, JobService jobs, WorkerDirectory workers, CancellationToken cancellationToken)
    {
        if (!endpoints.TryGet(endpointId, out _))
        {
            return UnknownEndpoint(endpointId);
        }

        var counts = await jobs.CountAsync(endpointId, cancellationToken);
        var (idle, running) = await workers.CountAsync(endpointId, cancellationToken);
        return TypedResults.Ok(new EndpointHealth(
            new EndpointHealth.JobFigures(counts.Completed, counts.Failed, counts.InProgress, counts.InQueue, counts.Retried),
            new EndpointHealth.WorkerFigures(idle, running)));
    }

    private static async Task<IResult> PurgeQueueAsync(
        string endpointId, EndpointCatalog endpoints, JobService jobs, CancellationToken cancellationToken)
    {
        if (!endpoints.TryGet(endpointId, out _))
        {
            return UnknownEndpoint(endpointId);
        }

        var removed = await jobs.PurgeQueueAsync(endpointId, cancellationToken);
        return TypedResults.Ok(new PurgeResult(removed, "completed"));
    }

    private static async Task<IResult> CancelAsync(
        string endpointId, string jobId, EndpointCatalog endpoints, JobService jobs, CancellationToken cancellationToken)
    {
        if (!endpoints.TryGet(endpointId, out _))
        {
            return UnknownEndpoint(endpointId);
        }

        var outcome = Guid.TryParse(jobId, out var id) ? await jobs.CancelAsync(endpointId, id, cancellationToken) : TransitionOutcome.NotFound;
        return Answer(outcome, endpointId, jobId, JobStatusNames.Cancelled, "Only a queued or running job can be cancelled; this one has ended.");
    }

    private static async Task<IResult> RetryAsync(
        string endpointId, string jobId, EndpointCatalog endpoints, JobService jobs, CancellationToken cancellationToken)
    {
        if (!endpoints.TryGet(endpointId, out var endpoint))
        {
            return UnknownEndpoint(endpointId);
        }

        var outcome = Guid.TryParse(jobId, out var id) ? await jobs.RetryAsync(endpoint, id, cancellationToken) : TransitionOutcome.NotFound;
        return Answer(outcome, endpointId, jobId, JobStatusNames.InQueue, "Only a FAILED or TIMED_OUT job can be retried.");
    }

    private static async Task<IResult> ListAsync(
        string endpointId, string? status, string? before, string? limit, EndpointCatalog endpoints, JobService jobs, CancellationToken cancellationToken)
    {
        if (!endpoints.TryGet(endpointId, out _))
        {
            return UnknownEndpoint(endpointId);
        }

        if (!TryReadListFilter(status, before, limit, out var statuses, out var after, out var take, out var errors))
        {
            return ApiProblems.BadRequest(errors);
        }

        var page = await jobs.ListAsync(endpointId, statuses, after, take, cancellationToken);
        return TypedResults.Ok(new JobPage(page, page.Count == take ? page[^1].Id : null));
    }

    /// <summary>Re-queues, as with /retry, up to <c>limit</c> (default 100) dead-lettered jobs, oldest first.</summary>
    private static async Task<IResult> RedriveAsync(
        string endpointId, string? status, string? limit, EndpointCatalog endpoints, JobService jobs, CancellationToken cancellationToken)
    {
        if (!endpoints.TryGet(endpointId, out var endpoint))
        {
            return UnknownEndpoint(endpointId);
        }

        if (!TryReadListFilter(status, null, limit, out var statuses, out _, out var take, out var errors))
        {
            return ApiProblems.BadRequest(errors);
        }

        var retried = 0;
        foreach (var job in (await jobs.ListAsync(endpointId, statuses, null, take, cancellationToken)).Reverse())
        {
            retried += await jobs.RetryAsync(endpoint, Guid.Parse(job.Id), cancellationToken) == TransitionOutcome.Done ? 1 : 0;
        }

        return TypedResults.Ok(new RedriveResult(retried));
    }

    private static bool TryReadListFilter(
        string? status, string? before, string? limit, out string[] statuses, out Guid? after, out int take, out Dictionary<string, string[]> errors)
    {
        errors = [];
        statuses = status is null
            ? [JobStatusNames.Failed, JobStatusNames.TimedOut]
            : status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (statuses.Length == 0 || statuses.Any(s => s is not (JobStatusNames.Failed or JobStatusNames.TimedOut)))
        {
            errors["status"] = [$"Must be {JobStatusNames.Failed}, {JobStatusNames.TimedOut} or both, comma-separated."];
        }

        after = null;
        if (before is not null)
        {
            if (Guid.TryParse(before, out var id))
            {
                after = id;
            }
            else
            {
                errors["before"] = ["Must be a job id from an earlier page's 'next'."];
            }
        }

        if (!QueryNumber.TryRead(limit, 1, 1000, 100, out take))
        {
            errors["limit"] = ["Must be from 1 to 1000."];
        }

        return errors.Count == 0;
    }

    private static async Task<IResult> DeliveriesAsync(
        string endpointId, string jobId, EndpointCatalog endpoints, JobService jobs, CancellationToken cancellationToken)
    {
        var deliveries = endpoints.TryGet(endpointId, out _) && Guid.TryParse(jobId, out var id)
            ? await jobs.ListDeliveriesAsync(endpointId, id, cancellationToken)
            : null;
        return deliveries is null ? ApiProblems.NotFound($"Endpoint '{endpointId}' has no job '{jobId}'.") : TypedResults.Ok(new { deliveries });
    }

    private static async Task<IResult> ResendWebhookAsync(
        string endpointId, string jobId, EndpointCatalog endpoints, JobService jobs, CancellationToken cancellationToken)
    {
        var outcome = endpoints.TryGet(endpointId, out _) && Guid.TryParse(jobId, out var id)
            ? await jobs.ResendWebhookAsync(endpointId, id, cancellationToken)
            : TransitionOutcome.NotFound;
        return Answer(outcome, endpointId, jobId, "RESENDING", "Only an ended job with a webhook has a status document to send.");
    }

    private static IResult Answer(TransitionOutcome outcome, string endpointId, string jobId, string status, string notAllowed) => outcome switch
    {
        TransitionOutcome.Done => TypedResults.Ok(new JobIdAndStatus(jobId, status)),
        TransitionOutcome.NotAllowed => ApiProblems.Conflict(notAllowed),
        _ => ApiProblems.NotFound($"Endpoint '{endpointId}' has no job '{jobId}'."),
    };

    /// <summary>The body, read and validated; on success the caller owns the body and must dispose it.</summary>
    private static async Task<(RequestBody?, JobSubmission?, IResult?)> ReadSubmissionAsync(
        HttpRequest request, EndpointDefinition endpoint, SubmissionValidator validator, WebhookAddressGuard webhooks, BodyBudget budget,
        long bodyLimit, CancellationToken cancellationToken)
    {
        var (body, unread) = await RequestBody.ReadAsync(request.HttpContext, bodyLimit, budget, cancellationToken);
        if (body is null)
        {
            return (null, null, unread);
        }

        var errors = new Dictionary<string, string[]>();
        var submission = JsonTextCheck.Find(body.Bytes.Span) is { } broken
            ? Refuse(errors, broken.Field, broken.Problem)
            : validator.Validate(body.Bytes, endpoint.Handler, errors);
        if (submission?.Webhook is { } webhook && await webhooks.CheckAsync(new Uri(webhook), cancellationToken) is { } refused)
        {
            submission = Refuse(errors, "webhook", refused);
        }

        if (submission is null)
        {
            body.Dispose();
            return (null, null, ApiProblems.BadRequest(errors));
        }

        return (body, submission, null);
    }

    private static JobSubmission? Refuse(Dictionary<string, string[]> errors, string field, string problem)
    {
        errors[field] = [problem];
        return null;
    }

    private static IResult UnknownEndpoint(string endpointId) => ApiProblems.NotFound($"There is no endpoint '{endpointId}'.");
}
