using Fleet.Contracts;
using Fleet.Gateway.Admission;
using Fleet.Gateway.Jobs;
using Fleet.Gateway.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.Gateway.Api;

/// <summary>A job's routes (API.md): run, runsync, status, stream, cancel, retry.</summary>
public static class JobsApi
{
    private const int DefaultSyncWaitMs = 90_000;
    private const int MinSyncWaitMs = 1_000;
    private const int MaxSyncWaitMs = 300_000;

    public static RouteGroupBuilder MapJobsApi(this RouteGroupBuilder v2)
    {
        v2.MapPost("/run", RunAsync);
        v2.MapPost("/runsync", RunSyncAsync);
        v2.MapGet("/status/{jobId}", StatusAsync);
        v2.MapGet("/stream/{jobId}", StreamAsync);
        v2.MapPost("/cancel/{jobId}", CancelAsync);
        v2.MapPost("/retry/{jobId}", RetryAsync);
        return v2;
    }

    private static async Task<Results<Ok<JobIdAndStatus>, ApiProblem>> RunAsync(
        JobEndpoint endpoint, HttpContext http, SubmissionAdmission admission, JobSubmitter submitter, CancellationToken cancellationToken)
    {
        using var admitted = await admission.AdmitAsync(endpoint.Definition, http, admission.RunBodyLimit, cancellationToken);
        if (admitted.Refusal is { } refused)
        {
            return refused;
        }

        var jobId = await submitter.AcceptAsync(
            Guid.CreateVersion7(), endpoint.Definition, admitted.Submission!, admitted.IdempotencyKey, answeredAfterEnding: false,
                cancellationToken);
        return TypedResults.Ok(new JobIdAndStatus(jobId.ToString(), JobStatusNames.InQueue));
    }

    /// <summary>
    /// Runs the job and answers with its final status document, or, when <c>wait</c> (ms) runs out first,
    /// with its current one, as RunPod does.
    /// </summary>
    private static async Task<Results<Ok<JobStatusDocument>, ApiProblem>> RunSyncAsync(
        JobEndpoint endpoint, HttpContext http, string? wait, SubmissionAdmission admission, JobSubmitter submitter, RunSyncWaits waits,
        CancellationToken cancellationToken)
    {
        if (!QueryNumber.TryRead(wait, MinSyncWaitMs, MaxSyncWaitMs, DefaultSyncWaitMs, out var waitMs))
        {
            return ApiProblems.BadRequest("wait", $"Must be a whole number of ms from {MinSyncWaitMs} to {MaxSyncWaitMs}.");
        }

        var admitted = await admission.AdmitAsync(endpoint.Definition, http, admission.RunSyncBodyLimit, cancellationToken);
        if (admitted.Refusal is { } refused)
        {
            return refused;
        }

        return await waits.RunAsync(admitted, submitter, TimeSpan.FromMilliseconds(waitMs), cancellationToken) is { } document
            ? TypedResults.Ok(document)
            : ApiProblems.Unavailable("The job was lost.", "The job store restarted before the job was stored; submit it again.",
                TimeSpan.FromSeconds(1));
    }

    /// <summary>The job's status document; with <c>wait</c> (ms, a Fleet addition) once it is final or the wait runs out.</summary>
    private static async Task<Results<Ok<JobStatusDocument>, ApiProblem>> StatusAsync(
        JobEndpoint endpoint, string jobId, string? wait, JobQueries queries, JobStatusWaits waits, CancellationToken cancellationToken)
    {
        if (!QueryNumber.TryRead(wait, 0, JobStatusWaits.MaxWaitMs, 0, out var waitMs))
        {
            return ApiProblems.BadRequest("wait", $"Must be a whole number of ms from 0 to {JobStatusWaits.MaxWaitMs}.");
        }

        var document = !Guid.TryParse(jobId, out var id) ? null
            : waitMs > 0 ? await waits.WhenEndedAsync(endpoint.Id, id, TimeSpan.FromMilliseconds(waitMs), cancellationToken)
            : await queries.FindAsync(endpoint.Id, id, cancellationToken);
        return document is null ? NoSuchJob(endpoint, jobId) : TypedResults.Ok(document);
    }

    private static async Task<Results<Ok<StreamAnswer>, ApiProblem>> StreamAsync(
        JobEndpoint endpoint, string jobId, StreamChunkStore chunks, CancellationToken cancellationToken)
    {
        var page = Guid.TryParse(jobId, out var id) ? await chunks.TakeAsync(endpoint.Id, id, cancellationToken) : null;
        return page is null
            ? NoSuchJob(endpoint, jobId)
            : TypedResults.Ok(new StreamAnswer(jobId, page.Status, [.. page.Chunks.Select(c => new StreamAnswer.Item(c))]));
    }

    private static async Task<Results<Ok<JobIdAndStatus>, ApiProblem>> CancelAsync(
        JobEndpoint endpoint, string jobId, JobTransitions transitions, CancellationToken cancellationToken)
    {
        var outcome = Guid.TryParse(jobId, out var id) ? await transitions.CancelAsync(endpoint.Id, id, cancellationToken)
            : TransitionOutcome.NotFound;
        return Answer(outcome, endpoint, jobId, JobStatusNames.Cancelled,
            "Only a queued or running job can be cancelled; this one has ended.");
    }

    private static async Task<Results<Ok<JobIdAndStatus>, ApiProblem>> RetryAsync(
        JobEndpoint endpoint, string jobId, JobTransitions transitions, CancellationToken cancellationToken)
    {
        var outcome = Guid.TryParse(jobId, out var id) ? await transitions.RetryAsync(endpoint.Definition, id, cancellationToken)
            : TransitionOutcome.NotFound;
        return Answer(outcome, endpoint, jobId, JobStatusNames.InQueue, "Only a FAILED or TIMED_OUT job can be retried.");
    }

    /// <summary>The answer to a transition: the job's new status, 409 if it is in the wrong state, 404 if there is none.</summary>
    internal static Results<Ok<JobIdAndStatus>, ApiProblem> Answer(
        TransitionOutcome outcome, JobEndpoint endpoint, string jobId, string status, string notAllowed) => outcome switch
        {
            TransitionOutcome.Done => TypedResults.Ok(new JobIdAndStatus(jobId, status)),
            TransitionOutcome.NotAllowed => ApiProblems.Conflict(notAllowed),
            _ => NoSuchJob(endpoint, jobId),
        };

    internal static ApiProblem NoSuchJob(JobEndpoint endpoint, string jobId) => ApiProblems.NotFound(
        $"Endpoint '{endpoint.Id}' has no job '{jobId}'.");
}
