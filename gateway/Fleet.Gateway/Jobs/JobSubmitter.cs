using Fleet.Contracts.Endpoints;
using Fleet.Gateway.Admission;
using Fleet.Gateway.FrontDoor;
using Fleet.Gateway.Outbox;
using Fleet.Gateway.Routing;
using Fleet.Gateway.Storage;

namespace Fleet.Gateway.Jobs;

/// <summary>Accepts admitted submissions: routes each job and stores it, with its <c>RunJob</c>, through a group commit.</summary>
public sealed class JobSubmitter(
    [FromKeyedServices(JobAcceptors.Durable)] JobAcceptor acceptor,
    [FromKeyedServices(JobAcceptors.AnsweredAfterEnding)] JobAcceptor runSyncAcceptor,
    JobRouter router,
    QueueDepths depths,
    TimeProvider time)
{
    /// <summary>
    /// Persists the job and its <c>RunJob</c> message; returns once both are committed, with the job's
    /// id: <paramref name="jobId"/>, or the first job's for a repeated idempotency key. With
    /// <paramref name="answeredAfterEnding"/> (runsync) the commit does not wait for the WAL flush: the
    /// caller answers only after the job's ending commits synchronously, and that flush covers this
    /// earlier commit too, since PostgreSQL flushes the WAL in order.
    /// </summary>
    public async Task<Guid> AcceptAsync(
        Guid jobId, EndpointDefinition endpoint, JobSubmission submission, string? idempotencyKey, bool answeredAfterEnding,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var policy = submission.Policy;
        var minGpuMemory = policy.MinGpuMemoryMb ?? (endpoint.MinGpuMemoryMb > 0 ? endpoint.MinGpuMemoryMb : null);
        // A low-priority job is sent only when the endpoint has no normal job waiting (ParkedJobReleaser).
        var route = policy.LowPriority ? JobRouter.LowPriority : router.Route(endpoint, policy.PreferGpu, minGpuMemory);
        var executionTimeout = policy.ExecutionTimeoutMs ?? endpoint.ExecutionTimeoutMs;
        var message = route.Queue is null
            ? null
            : OutboxEnvelope.ForRunJob(
                RunJobs.Build(jobId, endpoint, endpoint.Version, submission.Input.Span, 1, executionTimeout, now), route.Queue, now);
        var job = new NewJob(
            jobId, endpoint.Id, endpoint.Version, submission.Input, submission.Webhook, executionTimeout, policy.TtlMs, policy.LowPriority,
            route.Queue, route.Reason, minGpuMemory, policy.PreferGpu, idempotencyKey, now, message);
        var accepted = await (answeredAfterEnding ? runSyncAcceptor : acceptor).WriteAsync(job, cancellationToken);
        if (accepted == jobId)
        {
            depths.Accepted(endpoint.Id); // a repeated idempotency key queued nothing new
        }

        return accepted;
    }
}
