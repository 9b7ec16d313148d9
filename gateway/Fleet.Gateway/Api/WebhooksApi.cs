using Fleet.Gateway.Jobs;
using Fleet.Gateway.Storage;
using Fleet.Gateway.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.Gateway.Api;

/// <summary>Fleet additions: a job's webhook deliveries with every attempt, and sending one again.</summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder v2)
    {
        v2.MapGet("/webhooks/{jobId}", DeliveriesAsync);
        v2.MapPost("/webhooks/{jobId}/resend", ResendAsync);
        return v2;
    }

    private static async Task<Results<Ok<WebhookDeliveries>, ApiProblem>> DeliveriesAsync(
        JobEndpoint endpoint, string jobId, JobQueries queries, WebhookDeliveryStore deliveries, CancellationToken cancellationToken) =>
        Guid.TryParse(jobId, out var id) && await queries.ExistsAsync(endpoint.Id, id, cancellationToken)
            ? TypedResults.Ok(new WebhookDeliveries(await deliveries.ListAsync(id, cancellationToken)))
            : JobsApi.NoSuchJob(endpoint, jobId);

    /// <summary>Sends an ended job's status document to its webhook once more, as a new delivery.</summary>
    private static async Task<Results<Ok<JobIdAndStatus>, ApiProblem>> ResendAsync(
        JobEndpoint endpoint, string jobId, JobQueries queries, WebhookDeliveryStore deliveries, WebhookSender sender, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var outcome = TransitionOutcome.NotFound;
        if (Guid.TryParse(jobId, out var id))
        {
            outcome = await deliveries.ResendAsync(endpoint.Id, id, time.GetUtcNow(), cancellationToken) ? TransitionOutcome.Done
                : await queries.ExistsAsync(endpoint.Id, id, cancellationToken) ? TransitionOutcome.NotAllowed
                : TransitionOutcome.NotFound;
        }

        if (outcome == TransitionOutcome.Done)
        {
            sender.Wake();
        }

        return JobsApi.Answer(outcome, endpoint, jobId, "RESENDING", "Only an ended job with a webhook has a status document to send.");
    }
}
